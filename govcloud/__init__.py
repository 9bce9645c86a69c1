"""govcloud: the secure government data cloud, as code.

The package is layered the way the platform is:

* ``govcloud.contract``  – what agencies write (the tenant contract), its loader and validation. Pure.
* ``govcloud.naming`` and ``govcloud.model`` – pure rules derived from a validated request.
* ``govcloud.components`` – the Pulumi ComponentResources (the only place resources are declared).
* ``govcloud.synth``     – running the real program offline under the SDK's mock monitor.
* ``govcloud.cli``       – the ``govcloud`` command.
"""

__version__ = "0.1.0"
