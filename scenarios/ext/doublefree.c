/*
 * doublefree: an extension with a real bug on its error path, the kind
 * pymalloc punishes and plain malloc often forgives.
 *
 * squares(n) returns [0, 1, 4, ...] built in a 32-byte scratch block from
 * PyMem_Malloc (a pymalloc block). When an allocation in the loop fails,
 * the error path frees the scratch block in release_scratch() and again
 * under `error:`: a double free of a small block. pymalloc then links the
 * block into its pool's free list twice (a self-loop), the next objects of
 * that size class all land on the same 32 bytes, and the interpreter
 * crashes shortly after.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

struct scratch {
    long last;
    long count;
    char note[16];
};

/* Frees S; the caller must not (but the error path below does). */
static void release_scratch(struct scratch *s)
{
    PyMem_Free(s);
}

static PyObject *squares(PyObject *self, PyObject *arg)
{
    (void)self;
    long n = PyLong_AsLong(arg);
    if (n == -1 && PyErr_Occurred())
        return NULL;
    struct scratch *s = PyMem_Malloc(sizeof *s);
    if (!s)
        return PyErr_NoMemory();
    s->count = 0;
    PyObject *list = PyList_New(0);
    if (!list)
        goto error;
    for (long i = 0; i < n; i++) {
        s->last = i * i;
        PyObject *item = PyLong_FromLong(s->last + 1000000);
        if (!item) {
            release_scratch(s);
            goto error;
        }
        if (PyList_Append(list, item) < 0) {
            Py_DECREF(item);
            release_scratch(s);
            goto error;
        }
        Py_DECREF(item);
        s->count++;
    }
    PyMem_Free(s);
    return list;
error:
    PyMem_Free(s); /* BUG: release_scratch() already freed it on two paths */
    Py_XDECREF(list);
    return NULL;
}

static PyMethodDef methods[] = {
    {"squares", squares, METH_O, "squares(n): [i*i + 1000000 for i in range(n)]"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "doublefree", "A double free on an error path.", -1, methods,
};

PyMODINIT_FUNC PyInit_doublefree(void)
{
    return PyModule_Create(&module);
}
