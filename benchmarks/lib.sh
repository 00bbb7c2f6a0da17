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

# seed_patient BASE AUTH_HEADER USER_ID WORK_DIR LABEL -- brings the patient to 20 files in all (the sample data may hold
# some already), small PDFs of category lab-report with a description, and writes an emergency profile.
seed_patient() {
    local base=$1 auth=$2 user=$3 work=$4 label=$5 have f
    have=$(curl -sS -H "$auth" "$base/api/files/$user?pageSize=100" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["totalCount"])' 2>/dev/null || echo 0)
    for f in $(seq $((have + 1)) 20); do
        printf '%%PDF-1.7\n%s file %s\n%%%%EOF\n' "$label" "$f" > "$work/f$f.pdf"
        curl -sS -o /dev/null -H "$auth" -H 'Expect:' -F "file=@$work/f$f.pdf;type=application/pdf" -F category=lab-report \
            -F "description=$label $f" "$base/api/files/upload"
    done
    curl -sS -o /dev/null -X POST "$base/api/emergency-profile/$user" -H "$auth" -H 'Content-Type: application/json' \
        -d '{"dateOfBirth":"1990-05-14","bloodType":"B+","allergies":[],"conditions":[],"medications":[],"emergencyContacts":[],"organDonor":false}'
}
