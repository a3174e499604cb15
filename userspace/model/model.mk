# The engine compiled into the CLI (model.h says why), included by
# (Included before the first rule of userspace/Makefile: keep its default goal.)
.DEFAULT_GOAL := all
# userspace/Makefile: MODEL_OBJ joins the CLI's objects. Flags as the bench
# builds the engine (bench/Makefile): the shim's headers, no sanitizers.
SHIM := $(TOP)/tests/engine/shim
MODEL_CFLAGS := -std=gnu11 $(CFLAGS) -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wno-sign-compare -Wno-missing-field-initializers -Wno-type-limits \
	-DKBUILD_MODNAME='"edualloc"' -I$(SHIM) -I$(TOP)/module
MODEL_DEPS := model/model.h model/model.mk $(TOP)/module/ea_engine.h \
	$(wildcard $(SHIM)/*.h $(SHIM)/linux/*.h)
MODEL_OBJ := $(B)/model/model.o $(B)/model/ea_engine.o $(B)/model/shim.o

$(B)/model/model.o: model/model.c $(MODEL_DEPS)
	@mkdir -p $(@D)
	$(CC) $(MODEL_CFLAGS) -c -o $@ $<

$(B)/model/ea_engine.o: $(TOP)/module/ea_engine.c $(MODEL_DEPS)
	@mkdir -p $(@D)
	$(CC) $(MODEL_CFLAGS) -c -o $@ $<

$(B)/model/shim.o: $(SHIM)/shim.c $(MODEL_DEPS)
	@mkdir -p $(@D)
	$(CC) $(MODEL_CFLAGS) -c -o $@ $<
