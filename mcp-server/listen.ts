import type { Server } from 'node:http';
import { ConfigError } from '../config/errors.js';

/** Binds `server`; a port in use or an address that cannot be bound is a ConfigError naming the variable behind it. */
export function listen(server: Server, port: number, host: string, names: { port: string; host: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      if (error.code === 'EADDRINUSE') reject(new ConfigError(`invalid ${names.port}: ${host}:${port} is already in use`));
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') reject(new ConfigError(`invalid ${names.host}: cannot bind ${host}`));
      else reject(error);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** The host part of a URL that reaches this bind (a wildcard bind is reached on loopback). */
export function connectableHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
