"""A minimal SOCKS5 server on loopback for tests/test_network_settings.py (CONNECT only, no-auth or
user/password, RFC 1928/1929). ``redirect`` maps a requested port to the port actually connected to, so a
client talking to a port where nothing listens succeeds only through this proxy; ``connections`` counts
the CONNECT requests it served and ``credentials`` records the user names it accepted."""

import socket
import struct
import threading


class Socks5Server:
    def __init__(self, user: str = "", password: str = "", redirect=None):
        self.user, self.password = user, password
        self.redirect = dict(redirect or {})
        self.connections = 0
        self.refused = 0
        self.credentials = []
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self):
        self._stop = True
        self._sock.close()

    def _accept(self):
        while not self._stop:
            try:
                client, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    @staticmethod
    def _read(sock, n):
        data = b""
        while len(data) < n:
            chunk = sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data

    def _serve(self, client):
        try:
            version, count = self._read(client, 2)
            methods = self._read(client, count)
            if version != 5:
                return
            if self.user:
                if 2 not in methods:
                    self.refused += 1
                    client.sendall(b"\x05\xff")
                    return
                client.sendall(b"\x05\x02")
                _ver, ulen = self._read(client, 2)
                user = self._read(client, ulen).decode()
                (plen,) = self._read(client, 1)
                password = self._read(client, plen).decode()
                if (user, password) != (self.user, self.password):
                    self.refused += 1  # counted before the answer, which the client acts on at once
                    client.sendall(b"\x01\x01")
                    return
                self.credentials.append(user)
                client.sendall(b"\x01\x00")
            else:
                client.sendall(b"\x05\x00")
            _ver, cmd, _rsv, atyp = self._read(client, 4)
            if atyp == 1:
                host = socket.inet_ntoa(self._read(client, 4))
            elif atyp == 3:
                (length,) = self._read(client, 1)
                host = self._read(client, length).decode()
            else:
                host = socket.inet_ntop(socket.AF_INET6, self._read(client, 16))
            (port,) = struct.unpack("!H", self._read(client, 2))
            if cmd != 1:
                client.sendall(b"\x05\x07\x00\x01" + b"\x00" * 6)
                return
            upstream = socket.create_connection((host, self.redirect.get(port, port)), timeout=10)
            upstream.settimeout(None)
            self.connections += 1
            client.sendall(b"\x05\x00\x00\x01" + b"\x00" * 6)
            threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()
            self._pipe(client, upstream)
        except (OSError, ValueError, ConnectionError):
            pass
        finally:
            client.close()

    @staticmethod
    def _pipe(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
