"""A broker that stops reading: it answers CONNECT with CONNACK and SUBSCRIBE with SUBACK, then
reads nothing more and floods the client with QoS 1 PUBLISHes (7 bytes each) for the seconds
given, then holds the connection open until its standard input closes. It prints its port.

Its listening socket has a small receive buffer and segment size, which the connection takes
on: the client's kernel then holds some KB of what the broker leaves unread, as a board's TCP
stack does (lwIP on the ESP32 sends about 5.7 KB ahead), rather than the megabytes that Linux
buffers on loopback, which no flood of 4-byte acknowledgements fills in a minute. Node cannot
set these socket options: hence Python."""
import socket
import sys
import time

seconds = float(sys.argv[1])
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
server.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 536)
server.bind(("127.0.0.1", 0))
server.listen(1)
print(server.getsockname()[1], flush=True)
client, _ = server.accept()
client.recv(4096)  # CONNECT
client.sendall(bytes([0x20, 2, 0, 0]))
subscribe = client.recv(4096)
while subscribe[:1] != b"\x82":
    subscribe = client.recv(4096)
client.sendall(bytes([0x90, 3, subscribe[2], subscribe[3], 1]))
flood = b"".join(bytes([0x32, 5, 0, 1, 0x66, (i + 1) >> 8, (i + 1) & 255]) for i in range(4096))
end = time.time() + seconds
try:
    while time.time() < end:
        client.sendall(flood)
except OSError:
    pass  # the client closed the connection
sys.stdin.read()
