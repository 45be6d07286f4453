// The --help texts. Every flag the parser accepts is documented here.
import { DEFAULT_STATE_DIR, LOG_LEVELS } from './args.js';

export const MAIN_HELP = `vrouterd — NETCONF/YANG agent for a VPP + FRR + Linux software router

Usage:
  vrouterd [run] [options]          start the agent (NETCONF over SSH)
  vrouterd user add|del|list ...    manage NETCONF users (see vrouterd user --help)
  vrouterd --help | --version

Options:
  --config FILE       agent settings: RFC 7951 JSON of the vrouter-agent module's "agent"
                      container, e.g. {"vrouter-agent:agent": {"netconf": {"port": 830}}};
                      checked against the YANG module at start (a bad file is refused, naming
                      the offending path). Without it the module's defaults apply.
  --port N            NETCONF SSH port (overrides agent/netconf/port; default 830; 0 = any free port)
  --address ADDR      address to listen on (overrides agent/netconf/address; default 0.0.0.0)
  --state-dir DIR     where host keys and the user file (users.json) live (default ${DEFAULT_STATE_DIR})
  --yang-path DIR     also search DIR for YANG modules, before the standard directories
                      (repeatable)
  --module NAME[@REV] also load and serve this YANG module (repeatable; found on the search path)
  --log-level LEVEL   ${LOG_LEVELS.join(' | ')} (overrides agent/log-level; default info)
  --init-admin        on the first start (no users.json yet), create the user "admin" with a
                      random password and print it once on stdout
  --no-linux          do not drive the Linux kernel: commits change the configuration only
                      (by default a commit creates the configured namespaces, links, addresses
                      and routes with iproute2, which needs root)
  --docker-socket P   the Docker engine's socket, for containers/container attachments
                      (default /var/run/docker.sock; an engine that is not there leaves them pending)
  --help              this text
  --version           print the version

Logs are JSON lines (pino) on stdout. Signals: SIGTERM / SIGINT close every session and exit;
SIGHUP reloads the user file.
`;

export const USER_HELP = `vrouterd user — manage the users who may open NETCONF sessions

Usage:
  vrouterd user add NAME [--password-file FILE] [--key-file PUBKEY]... [--state-dir DIR]
  vrouterd user del NAME [--state-dir DIR]
  vrouterd user list [--state-dir DIR]

user add:
  --password-file FILE  read the password from the first line of FILE
                        (without it the password is read from stdin: typed at a terminal, or the
                        first line of piped input; with --key-file and empty stdin the user gets
                        no password and logs in with the key only)
  --key-file PUBKEY     an OpenSSH public key file (one key line, e.g. id_ed25519.pub) the user may
                        log in with (repeatable; --authorized-key is the same)
  Passwords need at least 8 characters and are stored as scrypt hashes, never in clear.

--state-dir DIR  the agent's state directory (default ${DEFAULT_STATE_DIR}); the users live in DIR/users.json.
A running agent picks up changes on SIGHUP.
`;
