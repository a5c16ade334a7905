/**
 * Preloaded with `node --import` by offline.test.ts: every way Node opens a connection or asks DNS records
 * the call in the file named by PYBASE_NETWORK_LOG and throws, so a command that reaches for the network
 * fails loudly and the test sees where.
 */

import dgram from 'node:dgram';
import dns from 'node:dns';
import { appendFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import tls from 'node:tls';

const log = process.env.PYBASE_NETWORK_LOG;

function refuse(what) {
  return function refused(...args) {
    const target = args.find((a) => typeof a === 'string' || (a && typeof a === 'object')) ?? '';
    const shown = typeof target === 'string' ? target : JSON.stringify(target, ['host', 'port', 'path']);
    if (log) appendFileSync(log, `${what} ${shown}\n${new Error().stack}\n\n`);
    throw new Error(`network access in offline mode: ${what} ${shown}`);
  };
}

net.Socket.prototype.connect = refuse('net.Socket#connect');
net.connect = refuse('net.connect');
net.createConnection = refuse('net.createConnection');
tls.connect = refuse('tls.connect');
for (const name of ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny']) {
  dns[name] = refuse(`dns.${name}`);
  dns.promises[name] = refuse(`dns.promises.${name}`);
}
dgram.Socket.prototype.send = refuse('dgram.Socket#send');
dgram.Socket.prototype.connect = refuse('dgram.Socket#connect');
// Named ESM imports of builtins (`import { connect } from 'node:net'`) see the patched functions only after this.
syncBuiltinESMExports();
