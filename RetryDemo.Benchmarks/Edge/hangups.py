"""Callers who hang up: each opens a connection, sends POST /greetings, waits 3 ms and resets it (SO_LINGER 0).
  hangups.py <port> <seconds> [threads]    prints how many it sent"""
import socket, struct, sys, threading, time

port, seconds = int(sys.argv[1]), float(sys.argv[2])
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 8
body = b'{"name":"Ada"}'
request = (b"POST /greetings HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
           b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
stop, sent, lock = time.time() + seconds, [0], threading.Lock()


def hang_up():
    while time.time() < stop:
        s = socket.socket()
        try:
            s.connect(("127.0.0.1", port))
            s.sendall(request)
            time.sleep(0.003)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        finally:
            s.close()
        with lock:
            sent[0] += 1


workers = [threading.Thread(target=hang_up) for _ in range(threads)]
[w.start() for w in workers]
[w.join() for w in workers]
print(sent[0])
