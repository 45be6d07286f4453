#!/usr/bin/python3
"""Opens the `netconf` SSH subsystem with paramiko (the SSH library under ncclient and Ansible),
restricted to the algorithms given, sends bytes, reads the same number back, and prints one JSON
object on stdout describing what happened. Used by test/integration/ssh-transport.test.ts.

Arguments: one JSON object:
  {"host": "127.0.0.1", "port": 830, "username": "alice",
   "password": "..." | "keyFile": "/path/to/openssh/private/key", "keyType": "ssh-ed25519",
   "ciphers": ["aes128-ctr"], "macs": ["hmac-sha2-256"], "hostKeyTypes": ["rsa-sha2-512"],
   "send": "text", "timeout": 10}
"""
import base64
import hashlib
import json
import socket
import sys

import paramiko


def load_key(path, key_type):
    classes = {
        "ssh-ed25519": paramiko.Ed25519Key,
        "ecdsa-sha2-nistp256": paramiko.ECDSAKey,
        "ssh-rsa": paramiko.RSAKey,
    }
    return classes[key_type].from_private_key_file(path)


def main():
    args = json.loads(sys.argv[1])
    timeout = args.get("timeout", 10)
    result = {"ok": False}
    sock = socket.create_connection((args["host"], args["port"]), timeout=timeout)
    transport = paramiko.Transport(sock)
    try:
        options = transport.get_security_options()
        if "ciphers" in args:
            options.ciphers = tuple(args["ciphers"])
        if "macs" in args:
            options.digests = tuple(args["macs"])
        if "hostKeyTypes" in args:
            options.key_types = tuple(args["hostKeyTypes"])
        transport.start_client(timeout=timeout)
        host_key = transport.get_remote_server_key()
        digest = base64.b64encode(hashlib.sha256(host_key.asbytes()).digest()).decode().rstrip("=")
        result.update(
            hostKeyType=host_key.get_name(),
            hostKeyFingerprint="SHA256:" + digest,
            cipher=transport.local_cipher,
            remoteCipher=transport.remote_cipher,
            mac=transport.local_mac,
            remoteMac=transport.remote_mac,
        )
        try:
            if "keyFile" in args:
                transport.auth_publickey(args["username"], load_key(args["keyFile"], args["keyType"]))
            else:
                transport.auth_password(args["username"], args["password"])
        except paramiko.AuthenticationException as exc:
            result.update(error="authentication failed: %s" % exc, stage="auth")
            return result
        channel = transport.open_session(timeout=timeout)
        channel.settimeout(timeout)
        channel.invoke_subsystem("netconf")
        data = args.get("send", "").encode()
        channel.sendall(data)
        received = b""
        while len(received) < len(data):
            chunk = channel.recv(65536)
            if not chunk:
                break
            received += chunk
        result.update(ok=True, echo=received.decode(errors="replace"))
        channel.close()
        return result
    except Exception as exc:  # reported, not raised: the test reads the JSON
        result.update(error="%s: %s" % (type(exc).__name__, exc))
        return result
    finally:
        transport.close()
        sock.close()


if __name__ == "__main__":
    print(json.dumps(main()))
