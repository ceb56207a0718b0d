/** The gRPC listeners the configuration asks for, one per role. */
import type { ServerConfig } from '../config.js';
import type { RoleListener } from './server.js';

/** The configured listeners: check and verify always, inbound when its port is set. */
export function configuredListeners(config: ServerConfig): RoleListener[] {
  const out: RoleListener[] = [
    { role: 'check', host: config.listenHost, port: config.checkPort },
    { role: 'verify', host: config.listenHost, port: config.verifyPort },
  ];
  if (config.inboundPort !== 0)
    out.push({ role: 'inbound', host: config.listenHost, port: config.inboundPort });
  return out;
}
