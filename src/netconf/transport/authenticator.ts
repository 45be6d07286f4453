// The SSH user-authentication decision, apart from the socket: given one request (RFC 4252) it
// answers accept / key-ok / reject-after-a-delay, and keeps the throttle's counters. The SSH server
// only carries the answer out (timer, ctx.accept / ctx.reject).
//
// What counts as a failed login (counted, delayed): a wrong password (including an unknown user
// or a user without a password), and a signature that does not verify for an authorized key.
// What does not: the "none" probe, methods we do not offer, and an offered public key that is not
// authorized. Clients try their keys one by one (OpenSSH asks first, paramiko signs straight
// away), so delaying those would punish every user with more than one key, and nobody can guess
// a key by repetition.
import type { AuthThrottle } from './auth-throttle.js';
import type { UserDirectory } from './user-store.js';

/** The methods the server offers, in the order it lists them to clients. */
export const OFFERED_AUTH_METHODS = ['publickey', 'password'] as const;

export type AuthMethodName = (typeof OFFERED_AUTH_METHODS)[number];

interface RequestBase {
  username: string;
  /** Source address (normalized, e.g. without the ::ffff: prefix). */
  address: string;
}

export type AuthRequest =
  | (RequestBase & { method: 'password'; password: string })
  | (RequestBase & {
      method: 'publickey';
      /** Key type as ssh2 reports it (rsa-sha2-* are reported as ssh-rsa). */
      keyAlgo: string;
      keyData: Buffer;
      /** Absent when the client only asks whether the key would be accepted. */
      signature?: Buffer;
      blob?: Buffer;
      hashAlgo?: string;
    })
  | (RequestBase & { method: 'none' })
  /** keyboard-interactive, hostbased, ...: methods the server does not offer. */
  | (RequestBase & { method: 'other'; name: string });

export type AuthDecision =
  /** Authenticated. */
  | { outcome: 'accept'; method: AuthMethodName }
  /** A public-key query for an authorized key: tell the client to go on and sign. */
  | { outcome: 'key-ok' }
  /** Refused; answer after `delayMs`. `counted` says whether it was a failed login. */
  | { outcome: 'reject'; delayMs: number; counted: boolean; reason: string };

export class Authenticator {
  constructor(
    private readonly users: UserDirectory,
    private readonly throttle: AuthThrottle,
  ) {}

  async decide(request: AuthRequest): Promise<AuthDecision> {
    const { username, address } = request;
    switch (request.method) {
      case 'password': {
        if (await this.users.verifyPassword(username, request.password)) {
          this.throttle.recordSuccess(username, address);
          return { outcome: 'accept', method: 'password' };
        }
        return this.failed(username, address, 'wrong user name or password');
      }
      case 'publickey': {
        const key = this.users.findAuthorizedKey(username, request.keyAlgo, request.keyData);
        if (!key) return this.refused(`public key not authorized (${request.keyAlgo})`);
        if (request.signature === undefined || request.blob === undefined) return { outcome: 'key-ok' };
        let valid: boolean;
        try {
          valid = key.verify(request.blob, request.signature, request.hashAlgo) === true;
        } catch {
          valid = false;
        }
        if (!valid) return this.failed(username, address, 'public key signature did not verify');
        this.throttle.recordSuccess(username, address);
        return { outcome: 'accept', method: 'publickey' };
      }
      case 'none':
        return this.refused('method "none" only lists the methods');
      case 'other':
        return this.refused(`method "${request.name}" is not offered`);
    }
  }

  private failed(username: string, address: string, reason: string): AuthDecision {
    const delayMs = this.throttle.recordFailure(username, address);
    return { outcome: 'reject', delayMs, counted: true, reason };
  }

  private refused(reason: string): AuthDecision {
    return { outcome: 'reject', delayMs: 0, counted: false, reason };
  }
}
