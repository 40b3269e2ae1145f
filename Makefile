# Clearsight: the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
STAMP := $(VENV)/.installed
DEMO_DIR ?= demo
DEMO_DB ?= $(DEMO_DIR)/clearsight.duckdb

.PHONY: install system-deps demo demo-national test lint format clean

install: $(STAMP)

# The venv is rebuilt when the lock or the project metadata changes.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.8
	$(UV) pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

# Debian packages the tests need: Chromium for the browser tests, a Java runtime
# for Spark in local mode. Installed only when missing, and only where apt-get
# can run (CI and the dev machines are root).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "missing Debian packages:$$missing (their tests will fail)"; fi; \
	fi

demo: install
	rm -rf $(DEMO_DIR)
	$(BIN)/clearsight synth --out $(DEMO_DIR)/data --areas 3 --scale 1 --seed 7 --defect-rate 0.002 --quiet
	$(BIN)/clearsight ingest --db $(DEMO_DB) $(DEMO_DIR)/data/submissions/*
	$(BIN)/clearsight analyse --db $(DEMO_DB)
	$(BIN)/clearsight status --db $(DEMO_DB)
	$(BIN)/clearsight export entities --db $(DEMO_DB) --out $(DEMO_DIR)/entities.csv
	$(BIN)/clearsight export networks --db $(DEMO_DB) --out $(DEMO_DIR)/networks.csv
	$(BIN)/clearsight report --db $(DEMO_DB) --national --out $(DEMO_DIR)/report
	$(BIN)/clearsight return --db $(DEMO_DB) --national --published --out $(DEMO_DIR)/return
	$(BIN)/clearsight export beaconport --db $(DEMO_DB) --out $(DEMO_DIR)/beaconport.csv
	$(BIN)/clearsight export store --db $(DEMO_DB) --format cyjs --out $(DEMO_DIR)/networks.cyjs
	@echo
	@echo "Web app demo logins (synthetic data only):"
	@$(BIN)/clearsight users demo --db $(DEMO_DB)
	@echo
	@echo "Store: $(DEMO_DB)   synthetic data and ground truth: $(DEMO_DIR)/data"
	@echo "Exports: $(DEMO_DIR)/entities.csv, $(DEMO_DIR)/networks.csv"
	@echo "Problem profile: $(DEMO_DIR)/report/problem-profile.html"
	@echo "Inspection readiness: $(DEMO_DIR)/report/problem-profile.html#readiness and $(DEMO_DIR)/report/readiness.csv"
	@echo "Annual data return (published): $(DEMO_DIR)/return/return.csv, return.xlsx, dictionary.csv"
	@echo "Operation Beaconport pack: $(DEMO_DIR)/beaconport.csv"
	@echo "Every network and its evidence as one graph (Cytoscape JSON): $(DEMO_DIR)/networks.cyjs"
	@echo "Open the web app: $(BIN)/clearsight serve --db $(DEMO_DB)   then http://127.0.0.1:8000/"
	@echo "  as an analyst: a network's link chart (/network/ID/chart), timeline (/timeline/network/ID),"
	@echo "  disruption what-if (/network/ID/disrupt), places (/places), alerts (/alerts), readiness (/readiness),"
	@echo "  measured linkage review (/linkage/review: decide sampled pairs, precision and recall per pair of sources)"
	@echo "Next: $(BIN)/clearsight quarantine list --db $(DEMO_DB)"
	@echo "      $(BIN)/clearsight network list --db $(DEMO_DB)"
	@echo "      $(BIN)/clearsight network disrupt NETWORK_ID --db $(DEMO_DB)"
	@echo "      $(BIN)/clearsight watch add network NETWORK_ID --area AREA --db $(DEMO_DB)   (alerts when new records link)"
	@echo "      $(BIN)/clearsight link review --sample 20 --db $(DEMO_DB)   (pairs drawn to measure linkage; then 'link accuracy')"
	@echo "      make demo-national   (each force's own store, pseudonymised extracts, a national import)"

# Federation on the demo data: each force gets a store of its own (its police and
# partners only), links and finds its own networks, and exports a pseudonymised extract
# under a shared key; a national store imports the extracts and links across forces.
NATIONAL_DIR := $(DEMO_DIR)/national

demo-national: install
	test -d $(DEMO_DIR)/data/submissions || $(MAKE) demo
	rm -rf $(NATIONAL_DIR) && mkdir -p $(NATIONAL_DIR)
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(48))" > $(NATIONAL_DIR)/federation.key
	set -e; for area in $$(ls $(DEMO_DIR)/data/submissions | sed 's/-[a-z]*$$//' | sort -u); do \
	  $(BIN)/clearsight ingest --db $(NATIONAL_DIR)/$$area.duckdb $(DEMO_DIR)/data/submissions/$$area-* >/dev/null; \
	  $(BIN)/clearsight analyse --db $(NATIONAL_DIR)/$$area.duckdb >/dev/null; \
	  $(BIN)/clearsight federate export --db $(NATIONAL_DIR)/$$area.duckdb --force $$area \
	    --key-file $(NATIONAL_DIR)/federation.key --out $(NATIONAL_DIR)/$$area.json; \
	done
	$(BIN)/clearsight federate import --db $(NATIONAL_DIR)/national.duckdb $(NATIONAL_DIR)/*.json
	@echo "National store: $(NATIONAL_DIR)/national.duckdb (tables fed_*; see docs/federation.md)"
	@echo "Re-identify on a force's own store: $(BIN)/clearsight federate resolve TOKEN --reason TEXT --key-file $(NATIONAL_DIR)/federation.key --db $(NATIONAL_DIR)/AREA.duckdb"

test: install system-deps
	$(BIN)/pytest -n 2 -q

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

format: install
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache
