/*
 * pfdemo: a small extension with one deliberate allocation-failure bug,
 * swept by `pyfault pytest` through its test suite
 * (scenarios/ext/pytest_demo/test_pfdemo.py; tests/harness/test_pytest.c).
 *
 *   pairs(n)     a list of n (i, str(i)) tuples, built in the order of a
 *                PyMem_Malloc'd index array. BUG: the array is used
 *                unchecked, so its failed allocation is a NULL pointer
 *                written through: a segfault in pfdemo_pairs (the
 *                tuples themselves are checked; small ones come from
 *                CPython's free lists anyway)
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

/* The bug is here: no check of PyMem_Malloc's result. */
static PyObject *pfdemo_pairs(PyObject *self, PyObject *arg)
{
    (void)self;
    Py_ssize_t n = size_arg(arg);
    if (n < 0)
        return NULL;
    Py_ssize_t *order = PyMem_Malloc(sizeof *order * (size_t)(n + 1));
    /* missing: if (!order) return PyErr_NoMemory(); */
    for (Py_ssize_t i = 0; i <= n; i++)
        order[i] = i;
    PyObject *list = PyList_New(n);
    if (!list) {
        PyMem_Free(order);
        return NULL;
    }
    for (Py_ssize_t j = 0; j < n; j++) {
        Py_ssize_t i = order[j];
        PyObject *t = PyTuple_New(2);
        PyObject *k = t ? PyLong_FromSsize_t(i) : NULL;
        PyObject *v = k ? PyObject_Str(k) : NULL;
        if (!k || !v) {
            Py_XDECREF(k);
            Py_XDECREF(v);
            Py_XDECREF(t);
            Py_DECREF(list);
            PyMem_Free(order);
            return NULL;
        }
        PyTuple_SET_ITEM(t, 0, k);
        PyTuple_SET_ITEM(t, 1, v);
        PyList_SET_ITEM(list, j, t);
    }
    PyMem_Free(order);
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
    {"pairs", pfdemo_pairs, METH_O, "A list of n (i, str(i)) tuples (unchecked index array)."},
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
