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
#   check [-q] [DIR]   DIR: the directory with the answers and scripts to
#                      grade (default: the check's own directory); -q: do not
#                      show the engine's value next to a wrong answer

LAB_DEBUGFS=/sys/kernel/debug/edualloc
LAB_POINTS=0
LAB_MAX=0
LAB_BONUS=0
LAB_BONUS_MAX=0
LAB_N=0
LAB_HIDE=0
LAB_INSTANCES=""
LAB_VERBOSITY=""
LAB_TMP=""
LAB_RESTORE_KO=""

# lab_init TITLE [check's arguments...]
lab_init() {
	LAB_TITLE=$1; shift
	while [ $# -gt 0 ]; do
		case $1 in
		-q)	LAB_HIDE=1 ;;
		-h|--help) echo "usage: check [-q] [DIR]  (DIR: what to grade; default: this directory)"; exit 2 ;;
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
	echo "$LAB_TITLE"
	echo "Grading: $LAB_DIR"
	if [ ! -c /dev/edualloc ]; then
		echo "check: /dev/edualloc is missing: is the module loaded? (make vm-run loads it)" >&2
		exit 1
	fi
	[ -f "$ANSWERS" ] || echo "(no answers file in $LAB_DIR: every question scores 0)"
	echo
	printf '  %3s %8s  %s\n' "#" points check
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
}

# q POINTS TITLE KEY TRUTH: a prediction or a measurement, against the engine.
q() {
	local pts=$1 title=$2 key=$3 truth=$4 a
	LAB_MAX=$((LAB_MAX + pts))
	a=$(ans "$key")
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

lab_done() {
	echo
	if [ "$LAB_BONUS_MAX" -gt 0 ]; then
		echo "Score = $LAB_POINTS/$LAB_MAX (bonus $LAB_BONUS/$LAB_BONUS_MAX)"
	else
		echo "Score = $LAB_POINTS/$LAB_MAX"
	fi
	if [ "$LAB_POINTS" -eq "$LAB_MAX" ]; then
		echo "Complete."
		exit 0
	fi
	echo "Not complete yet: $((LAB_MAX - LAB_POINTS)) points to go."
	exit 1
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
