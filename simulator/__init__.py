"""The simulated support organisation and its local Zendesk / Intercom / Typeform API server."""

from simulator.org import SimConfig, SupportOrg
from simulator.server import SimCredentials, SimulatorServer, serve_forever

__all__ = ["SimConfig", "SimCredentials", "SimulatorServer", "SupportOrg", "serve_forever"]
