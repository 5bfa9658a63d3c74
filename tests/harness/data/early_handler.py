# early_handler.py: the same shape as late_handler.py, but the except body
# is at the start of the code object, where the offset is a cached small
# int: the MemoryError unwinds normally and the run ends (error or fatal).
import pyfault


def main():
    try:
        raise ValueError(1)
    except ValueError:
        pyfault.set_nomemory(0)
        [1, 2, 3]  # allocates: MemoryError raised inside the handler


main()
