# lib.sh -- shell helpers the benchmark scripts share (serve.sh, ab.sh). Source it after setting PY to a python3.

# A free loopback TCP port in 20000-40000.
free_port() { "$PY" -c '
import random, socket
for _ in range(200):
    p = random.randint(20000, 40000)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); s.close(); print(p); break
    except OSError:
        s.close()'; }

# jget FILE a.b.c -- one value of a JSON file, by its dotted path.
jget() { "$PY" -c 'import json,sys
d=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): d=d[k]
print(d)' "$1" "$2" 2>/dev/null; }
