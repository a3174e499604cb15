# The labs' grading library: sourced by every lab's `check` (busybox sh, in
# the guest). It scores like the CS:APP malloc lab's driver: one line per
# check with its points, then "Score = X/Y", and exit 0 only at full marks.
#
# A check script:
#	. checklib.sh			(it finds it: see any lab's check)
#	lab_init "Lab 1: size classes" "$@"	# options and the graded directory
#	q 2 "the class of a 100-byte request" class_100 "$truth"
#	task 4 "your sizes waste at least 45%" "$ok" "$why"
#	lab_done
#
# Answers: the graded directory's `answers` file, KEY=VALUE lines ('#'
# comments). A number may be decimal or 0x hex, with a %, B, K or KiB after
# it; a word is compared without case. A missing answer scores nothing.
#
#   check [-r] [--student ID] [--json] [--truth FILE] [DIR]
#     DIR            the directory with the answers and scripts to grade
#                    (default: the check's own directory)
#     -r, --reveal   show the engine's value next to a wrong answer (by
#                    default a wrong answer shows only what was written: the
#                    predictions stay predictions); -q is the default, kept
#                    for old scripts
#     --student ID   the variant of student ID: the lab's `params` derive
#                    its parameters (sizes, sequences...) from ID; without
#                    it, the parameters the README shows
#     --json         after the score, the results in the autograder format
#                    {"score": S, "tests": [{"name", "score", "max_score",
#                    "output"}]} between the lines EDUALLOC-LAB-JSON-BEGIN
#                    and EDUALLOC-LAB-JSON-END
#     --truth FILE   write KEY=VALUE for every question, the engine's value
#                    (the model answers of this variant, for the instructor)

LAB_DEBUGFS=/sys/kernel/debug/edualloc
LAB_POINTS=0
LAB_MAX=0
LAB_BONUS=0
LAB_BONUS_MAX=0
LAB_N=0
LAB_HIDE=1
LAB_STUDENT=""
LAB_JSON=0
LAB_TRUTH=""
LAB_INSTANCES=""
LAB_VERBOSITY=""
LAB_TMP=""
LAB_RESTORE_KO=""

# lab_init TITLE [check's arguments...]: parse the options, source the
# lab's `params` (the variant's parameters), and start the report.
lab_init() {
	LAB_TITLE=$1; shift
	while [ $# -gt 0 ]; do
		case $1 in
		-q)	LAB_HIDE=1 ;;
		-r|--reveal) LAB_HIDE=0 ;;
		--student) [ $# -ge 2 ] || lab_usage; LAB_STUDENT=$2; shift ;;
		--student=*) LAB_STUDENT=${1#--student=} ;;
		--json)	LAB_JSON=1 ;;
		--truth) [ $# -ge 2 ] || lab_usage; LAB_TRUTH=$2; shift ;;
		-h|--help) lab_usage ;;
		-*)	lab_usage ;;
		*)	break ;;
		esac
		shift
	done
	LAB_DIR=${1:-$LAB_HERE}
	[ -d "$LAB_DIR" ] || { echo "check: no directory $LAB_DIR" >&2; exit 2; }
	LAB_DIR=$(cd "$LAB_DIR" && pwd)
	ANSWERS=$LAB_DIR/answers
	LAB_TMP=$(mktemp -d /tmp/lab.XXXXXX)
	trap lab_cleanup EXIT
	trap 'exit 130' INT TERM
	[ -z "$LAB_TRUTH" ] || : >"$LAB_TRUTH"
	: >"$LAB_TMP/results"
	[ ! -f "$LAB_HERE/params" ] || . "$LAB_HERE/params"
	echo "$LAB_TITLE"
	echo "Grading: $LAB_DIR${LAB_STUDENT:+ (student $LAB_STUDENT)}"
	if [ ! -c /dev/edualloc ]; then
		echo "check: /dev/edualloc is missing: is the module loaded? (make vm-run loads it)" >&2
		exit 1
	fi
	[ -f "$ANSWERS" ] || echo "(no answers file in $LAB_DIR: every question scores 0)"
	echo
	printf '  %3s %8s  %s\n' "#" points check
}

lab_usage() {
	echo "usage: check [-r] [--student ID] [--json] [--truth FILE] [DIR]  (DIR: what to grade; default: this directory)" >&2
	exit 2
}

lab_cleanup() {
	local i
	for i in $LAB_INSTANCES; do
		edualloc destroy "$i" >/dev/null 2>&1
	done
	[ -n "$LAB_VERBOSITY" ] && echo "$LAB_VERBOSITY" >"$LAB_DEBUGFS/verbosity" 2>/dev/null
	# A check that loaded a module of its own puts the usual one back.
	if [ -n "$LAB_RESTORE_KO" ]; then
		rmmod edualloc 2>/dev/null
		insmod "$LAB_RESTORE_KO" || echo "check: could not reload $LAB_RESTORE_KO" >&2
		i=0; while [ ! -c /dev/edualloc ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	fi
	[ -n "$LAB_TMP" ] && rm -rf "$LAB_TMP"
	return 0
}

# ans KEY: the student's answer, as written ('' if none).
ans() {
	[ -f "$ANSWERS" ] || return 0
	sed -n "s/^[ 	]*$1[ 	]*=[ 	]*//p" "$ANSWERS" | head -n 1 | sed 's/[ 	]*\(#.*\)\{0,1\}$//'
}

# norm VALUE: a canonical form: numbers in decimal (0x hex, and a K, KiB,
# M, MiB, B, bytes or % after the digits are understood), words in lower case.
norm() {
	local v mul
	v=$(printf '%s' "$1" | tr 'A-Z' 'a-z' | tr -d ' \t')
	case $v in
	0x*)	case ${v#0x} in ''|*[!0-9a-f]*) ;; *) echo $((v)); return ;; esac ;;
	[0-9]*|-[0-9]*)
		mul=1
		case $v in
		*%) v=${v%\%} ;;
		*bytes) v=${v%bytes} ;;
		*kib) v=${v%kib}; mul=1024 ;;
		*k) v=${v%k}; mul=1024 ;;
		*mib) v=${v%mib}; mul=1048576 ;;
		*m) v=${v%m}; mul=1048576 ;;
		*b) v=${v%b} ;;
		esac
		case ${v#-} in ''|*[!0-9]*) ;; *) echo $((v * mul)); return ;; esac ;;
	esac
	printf '%s\n' "$v"
}

# line POINTS GOT MAX TITLE RESULT
lab_line() {
	local dots
	LAB_N=$((LAB_N + 1))
	dots=$(printf '%s ' "$4" | cut -c1-52)
	printf '  %3d %4s/%-3s %-52s %s\n' "$LAB_N" "$2" "$3" "$dots" "$5"
	[ -z "$LAB_TMP" ] || printf '%s\t%s\t%s\t%s\n' "$LAB_N. $4" "$2" "$3" "$5" >>"$LAB_TMP/results"
}

# q POINTS TITLE KEY TRUTH: a prediction or a measurement, against the engine.
q() {
	local pts=$1 title=$2 key=$3 truth=$4 a
	LAB_MAX=$((LAB_MAX + pts))
	a=$(ans "$key")
	[ -z "$LAB_TRUTH" ] || printf '%s=%s\n' "$key" "$truth" >>"$LAB_TRUTH"
	if [ -z "$a" ]; then
		lab_line "$pts" 0 "$pts" "$title" "no answer ($key=)"
	elif [ "$(norm "$a")" = "$(norm "$truth")" ]; then
		LAB_POINTS=$((LAB_POINTS + pts))
		lab_line "$pts" "$pts" "$pts" "$title" ok
	elif [ "$LAB_HIDE" = 1 ]; then
		lab_line "$pts" 0 "$pts" "$title" "wrong ($key=$a)"
	else
		lab_line "$pts" 0 "$pts" "$title" "wrong: you said $a, the engine says $truth"
	fi
}

# task POINTS TITLE OK [WHY]: OK is 1 (done) or 0, WHY says what is missing.
task() {
	LAB_MAX=$((LAB_MAX + $1))
	if [ "$3" = 1 ]; then
		LAB_POINTS=$((LAB_POINTS + $1))
		lab_line "$1" "$1" "$1" "$2" ok
	else
		lab_line "$1" 0 "$1" "$2" "${4:-not done}"
	fi
}

# partial POINTS GOT TITLE [WHY]: GOT of POINTS (a score on a scale).
partial() {
	LAB_MAX=$((LAB_MAX + $1))
	LAB_POINTS=$((LAB_POINTS + $2))
	lab_line "$1" "$2" "$1" "$3" "${4:-ok}"
}

# bonus POINTS TITLE OK [WHY]: as task, outside the score that must be full.
bonus() {
	LAB_BONUS_MAX=$((LAB_BONUS_MAX + $1))
	if [ "$3" = 1 ]; then
		LAB_BONUS=$((LAB_BONUS + $1))
		lab_line "$1" "$1" "$1" "(bonus) $2" ok
	else
		lab_line "$1" 0 "$1" "(bonus) $2" "${4:-not done}"
	fi
}

# section TITLE
section() {
	echo "  --- $1"
}

# json_str TEXT: TEXT as a JSON string.
json_str() {
	printf '%s' "$1" | awk 'BEGIN { ORS = "" } {
		gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); gsub(/\t/, "\\t")
		gsub(/[\001-\037]/, " ")
		if (NR > 1) printf "\\n"
		printf "%s", $0
	} BEGIN { printf "\"" } END { printf "\"" }'
}

# lab_json: the results in the autograder format, between marker lines.
lab_json() {
	local sep="" name got max out
	echo "EDUALLOC-LAB-JSON-BEGIN"
	printf '{"score": %d, "max_score": %d, "tests": [' \
		"$((LAB_POINTS + LAB_BONUS))" "$LAB_MAX"
	while IFS='	' read -r name got max out; do
		printf '%s\n  {"name": %s, "score": %d, "max_score": %d, "output": %s}' \
			"$sep" "$(json_str "$name")" "$got" "$max" "$(json_str "$out")"
		sep=,
	done <"$LAB_TMP/results"
	printf '\n]}\n'
	echo "EDUALLOC-LAB-JSON-END"
}

lab_done() {
	echo
	if [ "$LAB_BONUS_MAX" -gt 0 ]; then
		echo "Score = $LAB_POINTS/$LAB_MAX (bonus $LAB_BONUS/$LAB_BONUS_MAX)"
	else
		echo "Score = $LAB_POINTS/$LAB_MAX"
	fi
	[ "$LAB_JSON" = 0 ] || lab_json
	if [ "$LAB_POINTS" -eq "$LAB_MAX" ]; then
		echo "Complete."
		exit 0
	fi
	echo "Not complete yet: $((LAB_MAX - LAB_POINTS)) points to go."
	exit 1
}

# --- variants -----------------------------------------------------------
# A lab's `params` (sourced by lab_init, and on the host by the handout
# maker) sets the variant's parameters: the README's values when
# LAB_STUDENT is empty, else values drawn with rnd from a seed made of the
# student's ID. The same ID gives the same values in dash, bash and busybox.

# lab_seed SALT: seed the generator with the student's ID and SALT.
lab_seed() {
	LAB_RNG=$((0x$(printf '%s/%s' "$LAB_STUDENT" "$1" | md5sum | cut -c1-7)))
}

# rnd VAR N [BASE]: VAR = a number from BASE to BASE + N - 1 (BASE: 0).
rnd() {
	LAB_RNG=$(( (LAB_RNG * 1103515245 + 12345) % 2147483648 ))
	eval "$1=\$(( (LAB_RNG / 65536) % $2 + ${3:-0} ))"
}

# pick VAR WORD...: VAR = one of the words.
pick() {
	local v=$1 i
	shift
	rnd i $#
	shift "$i"
	eval "$v=\$1"
}

# --- the device ---------------------------------------------------------

# ea ARGS: the CLI, never in colour.
ea() {
	edualloc --color=never "$@"
}

# fresh NAME [CAPACITY] [create options]: a new named instance (an old one
# of that name is destroyed first); destroyed again when the check ends.
fresh() {
	local n=$1 c=1M
	n=$1; c=1M
	shift
	if [ $# -gt 0 ]; then c=$1; shift; fi
	edualloc destroy "$n" >/dev/null 2>&1
	if ! edualloc create "$n" --capacity "$c" --quiet "$@" >/dev/null; then
		echo "check: cannot create instance $n" >&2
		exit 1
	fi
	case " $LAB_INSTANCES " in *" $n "*) ;; *) LAB_INSTANCES="$LAB_INSTANCES $n" ;; esac
}

# st NAME KEY: one figure of an instance's statistics (debugfs stats file).
st() {
	awk -v k="$2" '$1 == k { print $2; exit }' "$LAB_DEBUGFS/instances/$1/stats"
}

# jget KEY < JSON: a top-level number or string of one JSON line.
jget() {
	sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p" | head -n 1
}

# verbosity N: set the log level until the check ends.
verbosity() {
	[ -n "$LAB_VERBOSITY" ] || LAB_VERBOSITY=$(cat "$LAB_DEBUGFS/verbosity" 2>/dev/null | tr -dc '0-9')
	echo "$1" >"$LAB_DEBUGFS/verbosity"
}

# log_mark: the sequence number the next event will get.
log_mark() {
	sed -n 's/^# log .*next=\([0-9]*\).*/\1/p' "$LAB_DEBUGFS/log" | head -n 1
}

# log_since MARK NAME: the log lines of instance NAME from sequence MARK on.
log_since() {
	awk -v m="$1" -v n="$2" '!/^#/ && $1 >= m && $3 == n' "$LAB_DEBUGFS/log"
}
