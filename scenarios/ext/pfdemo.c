/*
 * pfdemo: a small extension with one deliberate allocation-failure bug,
 * swept by `pyfault pytest` through its test suite
 * (scenarios/ext/pytest_demo/test_pfdemo.py; tests/harness/test_pytest.c).
 *
 *   pairs(n)     a list of n (i, str(i)) tuples. BUG: the tuple from
 *                PyTuple_New is used unchecked, so a failed allocation of
 *                it is a NULL pointer written through: a segfault in
 *                pfdemo_pairs
 *   joined(n)    ",".join of n copies of "x", built in a PyMem_Malloc'd
 *                buffer; every failure path is checked and frees what it
 *                holds: a failed allocation is a MemoryError, nothing more
 *   constant()   the int 7: allocates nothing
 *
 * Built by tools/build-ext.sh (-O1 -g).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static Py_ssize_t size_arg(PyObject *arg)
{
    Py_ssize_t n = PyLong_AsSsize_t(arg);
    if (n == -1 && PyErr_Occurred())
        return -1;
    if (n < 0 || n > 100000) {
        PyErr_SetString(PyExc_ValueError, "n must be 0..100000");
        return -1;
    }
    return n;
}

/* The bug is here: no check of PyTuple_New's result. */
static PyObject *pfdemo_pairs(PyObject *self, PyObject *arg)
{
    (void)self;
    Py_ssize_t n = size_arg(arg);
    if (n < 0)
        return NULL;
    PyObject *list = PyList_New(n);
    if (!list)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *t = PyTuple_New(2);
        /* missing: if (!t) { Py_DECREF(list); return NULL; } */
        PyObject *k = PyLong_FromSsize_t(i);
        PyObject *v = k ? PyObject_Str(k) : NULL;
        if (!k || !v) {
            Py_XDECREF(k);
            Py_XDECREF(v);
            Py_DECREF(t);
            Py_DECREF(list);
            return NULL;
        }
        PyTuple_SET_ITEM(t, 0, k);
        PyTuple_SET_ITEM(t, 1, v);
        PyList_SET_ITEM(list, i, t);
    }
    return list;
}

static PyObject *pfdemo_joined(PyObject *self, PyObject *arg)
{
    (void)self;
    Py_ssize_t n = size_arg(arg);
    if (n < 0)
        return NULL;
    if (n == 0)
        return PyUnicode_FromStringAndSize("", 0);
    char *buf = PyMem_Malloc((size_t)(2 * n));
    if (!buf)
        return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < n; i++) {
        buf[2 * i] = 'x';
        buf[2 * i + 1] = ',';
    }
    PyObject *s = PyUnicode_FromStringAndSize(buf, 2 * n - 1);
    PyMem_Free(buf);
    return s;
}

static PyObject *pfdemo_constant(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return PyLong_FromLong(7); /* a small int: cached, no allocation */
}

static PyMethodDef methods[] = {
    {"pairs", pfdemo_pairs, METH_O, "A list of n (i, str(i)) tuples (unchecked tuple)."},
    {"joined", pfdemo_joined, METH_O, "n copies of 'x' joined by ','."},
    {"constant", pfdemo_constant, METH_NOARGS, "The int 7."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "pfdemo", "pyfault pytest demo extension", -1, methods,
};

PyMODINIT_FUNC PyInit_pfdemo(void)
{
    return PyModule_Create(&module);
}
