// A wall runs unattended for weeks: a rendering error must not leave a blank screen. The
// boundary shows what failed and reloads the page after a while (the token is in sessionStorage,
// the layout in the URL, so a reload comes back to the same wall).

import { Component, type ErrorInfo, type ReactNode } from 'react';

export const RELOAD_AFTER_ERROR_MS = 30_000;

export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };
  private timer: ReturnType<typeof setTimeout> | undefined;

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('dashboard crashed; reloading soon', error, info.componentStack);
    this.timer = setTimeout(() => window.location.reload(), RELOAD_AFTER_ERROR_MS);
  }

  override componentWillUnmount(): void {
    clearTimeout(this.timer);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="notice notice-bad">
        <h1>The dashboard hit an error</h1>
        <p>{this.state.error.message}</p>
        <p>Reloading in {RELOAD_AFTER_ERROR_MS / 1000} s…</p>
      </div>
    );
  }
}
