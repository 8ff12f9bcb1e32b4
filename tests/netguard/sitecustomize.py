"""Loaded by Python at start-up when this folder is on PYTHONPATH (the tests put it there)."""

import csops_netguard

csops_netguard.install_if_enabled()
