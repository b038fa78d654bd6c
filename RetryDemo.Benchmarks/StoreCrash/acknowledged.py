"""Keyed writes straight at HelloService, and a check of which acknowledged ones the store still holds.

  acknowledged.py write <port> <seconds> <file>   4 processes x 16 connections; every 201's key and id to <file>
  acknowledged.py check <port> <file> <killed-at> each acknowledged key looked up by key; prints how many are lost
"""
import http.client, json, os, sys, threading, time, urllib.parse, uuid


def write(port, seconds, out, processes=4, connections=16):
    stop = time.time() + seconds
    children = []
    for p in range(processes):
        pid = os.fork()
        if pid == 0:
            acked, lock, run = [], threading.Lock(), uuid.uuid4().hex[:12]

            def writer(w):
                c, i = http.client.HTTPConnection("127.0.0.1", port, timeout=5), 0
                while time.time() < stop:
                    key, i = f"crash-{run}-{w}-{i}", i + 1
                    try:
                        c.request("POST", "/greetings", body='{"name":"Ada"}',
                                  headers={"Content-Type": "application/json", "Idempotency-Key": key})
                        r = c.getresponse()
                        body = r.read()
                        if r.status == 201:
                            with lock:
                                acked.append((key, json.loads(body)["id"], time.time()))
                    except (OSError, http.client.HTTPException):
                        c.close()
                        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)

            threads = [threading.Thread(target=writer, args=(w,)) for w in range(connections)]
            [t.start() for t in threads]
            [t.join() for t in threads]
            json.dump(acked, open(f"{out}.{p}", "w"))
            os._exit(0)
        children.append(pid)
    for pid in children:
        os.waitpid(pid, 0)
    json.dump([a for p in range(processes) for a in json.load(open(f"{out}.{p}"))], open(out, "w"))


def check(port, file, killed_at):
    acked = json.load(open(file))
    c, lost = http.client.HTTPConnection("127.0.0.1", port, timeout=10), []
    for key, id, at in acked:
        c.request("GET", "/greetings/by-key?key=" + urllib.parse.quote(key))
        r = c.getresponse()
        body = r.read()
        if r.status != 200 or json.loads(body)["id"] != id:
            lost.append(f"{key} ({r.status}, answered {killed_at - at:.3f} s before the kill)")
    print(f"acknowledged {len(acked)}, lost {len(lost)}" + ("" if not lost else ": " + "; ".join(lost[:5])))


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(int(sys.argv[2]), float(sys.argv[3]), sys.argv[4])
    else:
        check(int(sys.argv[2]), sys.argv[3], float(sys.argv[4]))
