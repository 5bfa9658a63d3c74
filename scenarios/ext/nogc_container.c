/*
 * nogc_container: a container that holds one reference but does not take
 * part in the cyclic GC (no Py_TPFLAGS_HAVE_GC, no tp_traverse), as cffi's
 * CField did and as _testcapi.ContainerNoGC does. The collector cannot see
 * through it, which is the shape of bpo-38006.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

typedef struct {
    PyObject_HEAD
    PyObject *value;
} HolderObject;

static PyObject *holder_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"value", NULL};
    PyObject *value;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O", kwlist, &value))
        return NULL;
    HolderObject *self = (HolderObject *)type->tp_alloc(type, 0);
    if (!self)
        return NULL;
    Py_INCREF(value);
    self->value = value;
    return (PyObject *)self;
}

static void holder_dealloc(HolderObject *self)
{
    Py_CLEAR(self->value);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMemberDef holder_members[] = {
    {"value", T_OBJECT, offsetof(HolderObject, value), READONLY, "the held object"},
    {NULL, 0, 0, 0, NULL},
};

static PyTypeObject HolderType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "nogc_container.Holder",
    .tp_basicsize = sizeof(HolderObject),
    .tp_dealloc = (destructor)holder_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Holds one object, invisible to the cyclic GC.",
    .tp_new = holder_new,
    .tp_members = holder_members,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "nogc_container",
    "A container outside the cyclic GC (bpo-38006).", -1, NULL,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit_nogc_container(void)
{
    if (PyType_Ready(&HolderType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m)
        return NULL;
    Py_INCREF(&HolderType);
    if (PyModule_AddObject(m, "Holder", (PyObject *)&HolderType) < 0) {
        Py_DECREF(&HolderType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
