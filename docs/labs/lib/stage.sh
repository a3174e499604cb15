# Staging a submission for grading: sourced by scripts/grade.sh on the host
# and by the kit's own tests in the guest (busybox sh, dash or bash).
#
#   stage_lab LABDIR SUBMISSION OUT
#
# OUT/lib/ gets the checkers' library and OUT/LAB/ a fresh copy of the
# instructor's lab LABDIR (its checker, params, traces...: never solution/,
# skeleton/, run or STUDENT), and OUT/LAB/work/ only the files the lab's
# `submit` list names, taken from SUBMISSION if each is a regular file (no
# link, no device) of at most 1 MiB. Nothing of SUBMISSION is executed or
# sourced. It prints one line per submitted file: "NAME ok", "NAME
# missing" or "NAME refused (why)".
stage_lab() {
	local lab=$1 sub=$2 out=$3 name f size
	[ -f "$lab/check" ] && [ -f "$lab/submit" ] || { echo "stage: $lab is not a lab (no check or submit)" >&2; return 2; }
	[ -d "$sub" ] || { echo "stage: no submission directory $sub" >&2; return 2; }
	name=$(basename "$lab")
	mkdir -p "$out/lib" "$out/$name/work" || return 2
	cp "$(dirname "$lab")/lib/"*.sh "$out/lib/" || return 2
	(cd "$lab" && find . -path ./solution -prune -o -path ./skeleton -prune -o -type f -print) |
	while IFS= read -r f; do
		case $f in ./run|./STUDENT) continue ;; esac
		mkdir -p "$out/$name/$(dirname "$f")" && cp -p "$lab/$f" "$out/$name/$f" || exit 2
	done || return 2
	while IFS= read -r f; do
		case $f in ''|'#'*) continue ;; */*|.*) echo "stage: bad name '$f' in $lab/submit" >&2; return 2 ;; esac
		if [ -L "$sub/$f" ]; then echo "$f refused (a symbolic link)"
		elif [ ! -e "$sub/$f" ]; then echo "$f missing"
		elif [ ! -f "$sub/$f" ]; then echo "$f refused (not a regular file)"
		else
			size=$(wc -c <"$sub/$f" | tr -d ' ')
			if [ "$size" -gt 1048576 ]; then echo "$f refused (over 1 MiB)"
			else cat "$sub/$f" >"$out/$name/work/$f" && echo "$f ok"
			fi
		fi
	done <"$lab/submit"
}

# stage_run OUT LAB [check options...]: OUT/LAB/run, the instructor's: it
# grades work/ with the lab's own checker and the given options; OUT/run
# runs it (make vm-run RUN=OUT).
stage_run() {
	local out=$1 name=$2 q a
	shift 2
	a=""
	for q in "$@"; do a="$a '$(printf '%s' "$q" | sed "s/'/'\\\\''/g")'"; done
	cat >"$out/$name/run" <<RUN
#!/bin/sh
# The grader's run (scripts/grade.sh): the instructor's checker on work/.
cd "\$(dirname "\$0")" || exit 1
exec sh ./check$a work
RUN
	printf '#!/bin/sh\ncd "$(dirname "$0")/%s" || exit 1\nexec sh ./run\n' "$name" >"$out/run"
	chmod 755 "$out/$name/run" "$out/run"
}
