"""The conformance kit: one test-suite class a platform plugin's tests subclass.

    from server.platforms.testing import ConnectorConformanceSuite

    class TestMyConnector(ConnectorConformanceSuite):
        connector_class = MyConnector

        def make_double(self):
            return MyEmulator()
"""

from .double import PlatformDouble, SeededOrder

__all__ = ["PlatformDouble", "SeededOrder"]
