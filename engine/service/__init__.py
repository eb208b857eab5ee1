"""``flowdbg serve``: a local CloudFlow endpoint (FnF OpenAPI 2019-03-15) on
the shared engine. Layers: store (flows, executions) -> driver (one thread
per execution) -> hosting (definitions, mocks, backends) -> actions (the API)
-> endpoint (RPC over HTTP, signatures). See docs/serve.md."""
from .actions import ACTIONS, Actions as Service
from .endpoint import Endpoint
from .errors import ApiError
from .hosting import ServeOptions
from .signing import Verifier

__all__ = ["ACTIONS", "Service", "Endpoint", "ApiError", "ServeOptions", "Verifier"]
