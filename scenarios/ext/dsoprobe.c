/*
 * dsoprobe: an extension for the dso= filter, with a library of its own.
 *
 *   work(n)      n PyMem_Malloc(32) and n PyObject_Malloc(48) calls, in
 *                turn, each block freed before the next: 2n allocations
 *                through CPython's allocator API, all made here
 *   lib_work(n)  n malloc(64) calls made inside libdsoprobe_lib.so
 *                (dsoprobe_lib.c), which this extension links
 *
 * Both raise MemoryError when an allocation failed, after the loop: the
 * count of calls does not depend on failures. Built, with the library, by
 * tests/support/build_dsoprobe.sh (-O0, no sibling calls: each allocation
 * keeps its caller's frame on the stack), not by tools/build-ext.sh, which
 * links nothing.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

int dsoprobe_lib_churn(int n);

static long count_arg(PyObject *arg)
{
    long n = PyLong_AsLong(arg);
    if (n == -1 && PyErr_Occurred())
        return -1;
    if (n < 0 || n > 1000000) {
        PyErr_SetString(PyExc_ValueError, "n must be 0..1000000");
        return -1;
    }
    return n;
}

static PyObject *work(PyObject *self, PyObject *arg)
{
    (void)self;
    long n = count_arg(arg);
    if (n < 0)
        return NULL;
    long failed = 0;
    for (long i = 0; i < n; i++) {
        void *a = PyMem_Malloc(32);
        failed += a == NULL;
        PyMem_Free(a);
        void *b = PyObject_Malloc(48);
        failed += b == NULL;
        PyObject_Free(b);
    }
    if (failed)
        return PyErr_NoMemory();
    Py_RETURN_NONE;
}

static PyObject *lib_work(PyObject *self, PyObject *arg)
{
    (void)self;
    long n = count_arg(arg);
    if (n < 0)
        return NULL;
    if (dsoprobe_lib_churn((int)n) > 0)
        return PyErr_NoMemory();
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"work", work, METH_O, "2n allocations through PyMem_Malloc and PyObject_Malloc."},
    {"lib_work", lib_work, METH_O, "n malloc calls inside libdsoprobe_lib.so."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "dsoprobe", "The dso= filter's test extension.", -1, methods,
};

PyMODINIT_FUNC PyInit_dsoprobe(void)
{
    return PyModule_Create(&module);
}
