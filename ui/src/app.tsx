// The dashboard's pages by URL hash: the NOC wall (#/, layout in the query string), the
// weathermap (#/map), the explorer (#/explore), the anomaly list (#/anomalies) and device pages (#/devices/<id>).

import { useMemo } from 'react';
import type { ApiClients } from './api/clients.js';
import type { TokenRole } from './auth/token.js';
import { AnomaliesPage } from './explore/anomalies-page.js';
import { DevicePage } from './explore/device-page.js';
import { ExplorerPage } from './explore/explorer-page.js';
import { MapPage } from './map/map-page.js';
import { Notice } from './notice.js';
import { parseRoute, useHash } from './route.js';
import { parseWallConfig } from './wall/layout.js';
import { WallPage } from './wall/wall-page.js';

export function NoToken() {
  return (
    <Notice title="An API token is needed" tone="bad">
      <p>
        Open this page as <code>/?token=&lt;token&gt;</code>. Mint one with <code>node bin/opsconductor.mjs token</code>.
      </p>
    </Notice>
  );
}

export interface Session {
  api: ApiClients;
  token: string;
  role: TokenRole;
}

export function App(props: { session: Session }) {
  const { session } = props;
  const route = parseRoute(useHash());
  const wallConfig = useMemo(() => parseWallConfig(window.location.search), []);
  switch (route.page) {
    case 'explore':
      return <ExplorerPage session={session} params={route.params} />;
    case 'anomalies':
      return <AnomaliesPage session={session} params={route.params} />;
    case 'device':
      return <DevicePage session={session} deviceId={route.deviceId} />;
    case 'map':
      return <MapPage api={session.api} />;
    default:
      return <WallPage api={session.api} config={wallConfig} token={session.token} />;
  }
}
