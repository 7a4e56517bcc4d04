// Prometheus metrics of the default registry, created once per process. A poller, a sync or a
// notifier may be built several times in one process (tests, several pollers of a role), and
// prom-client refuses a second registration of a name: each later build gets the first metric.
import client from 'prom-client';

/** The metric registered under `name`, made by `make` the first time it is asked for. */
export function once<T extends client.Metric>(name: string, make: () => T): T {
  return (client.register.getSingleMetric(name) as T | undefined) ?? make();
}
