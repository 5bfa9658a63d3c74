"""compile() of nested code: functions, classes, comprehensions, closures."""
from _common import window

SRC = '''
class A:
    def f(self, x):
        def g(y):
            return [z * y for z in range(x) if z % 2]
        return {k: g(k) for k in range(3)}
    async def h(self):
        try:
            return await self.f(1)
        except (ValueError, KeyError) as e:
            raise RuntimeError("x") from e
        finally:
            pass
lambda q, *a, **k: (q, a, k)
'''


def body():
    compile(SRC, "<nested>", "exec")


window(body)
