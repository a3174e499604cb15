# The page's code and style, compiled into the CLI as C strings
# (replay --html writes them inline), included by userspace/Makefile.
HTML_ASSETS := html/replay.css html/replay.js
ALL_CPPFLAGS += -I$(B)/gen

$(B)/gen/html_assets.h: $(HTML_ASSETS) html/html.mk
	@mkdir -p $(@D)
	@{ for f in $(HTML_ASSETS); do \
		n=$$(basename $$f | tr . _); \
		echo "static const char html_$$n[] ="; \
		sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$$/\\n"/' $$f; \
		echo ";"; done; } >$@.tmp && mv $@.tmp $@

$(B)/cli/html.o: $(B)/gen/html_assets.h
