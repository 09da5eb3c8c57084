"""POSTs a body of unknown length with trailer fields over HTTP/2 prior knowledge, and prints the response.

Usage: h2_post_with_trailers.py PORT PATH BODY TRAILER_NAME TRAILER_VALUE
curl cannot send request trailers and nghttp always gives a content-length; gRPC clients do this.
"""
import socket
import sys

import h2.config
import h2.connection
import h2.events

port, path, body, name, value = int(sys.argv[1]), sys.argv[2], sys.argv[3].encode(), sys.argv[4], sys.argv[5]
sock = socket.create_connection(("127.0.0.1", port), timeout=10)
conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
conn.initiate_connection()
stream = conn.get_next_available_stream_id()
conn.send_headers(stream, [(":method", "POST"), (":path", path), (":scheme", "http"),
                           (":authority", "127.0.0.1:%d" % port)])
conn.send_data(stream, body)
conn.send_headers(stream, [(name, value)], end_stream=True)
sock.sendall(conn.data_to_send())
status, data, done = None, b"", False
while not done:
    chunk = sock.recv(65536)
    if not chunk:
        break
    for event in conn.receive_data(chunk):
        if isinstance(event, h2.events.ResponseReceived):
            status = dict(event.headers).get(b":status", b"").decode()
        elif isinstance(event, h2.events.DataReceived):
            data += event.data
            conn.acknowledge_received_data(event.flow_controlled_length, stream)
        elif isinstance(event, (h2.events.StreamEnded, h2.events.StreamReset)):
            done = True
    sock.sendall(conn.data_to_send())
print(status, data.decode(errors="replace"), end="")
