/*
 * frameswap: what greenlet-like extensions do (bpo-46090): run a call on a
 * fresh frame stack and data stack, then put the thread's state back.
 *
 *   call_on_fresh_stack(f, *args)   saves the current frame, the data-stack
 *       chunk, top and limit and the recursion depth; runs f on an empty
 *       data stack; restores all of it and frees the chunks f used.
 *   call_restoring_frame_only(f, *args)   the deliberate bug: restores the
 *       frame and recursion depth but not the data stack, then frees the
 *       chunks, so the next Python call writes into freed memory.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#if PY_VERSION_HEX < 0x030B0000
#error "frameswap needs CPython 3.11 or later"
#endif

struct saved_state {
    struct _PyInterpreterFrame *frame;
    _PyStackChunk *chunk;
    PyObject **top;
    PyObject **limit;
    int py_recursion;
#if PY_VERSION_HEX >= 0x030C0000
    int c_recursion;
#endif
};

static struct _PyInterpreterFrame **current_frame_slot(PyThreadState *ts)
{
#if PY_VERSION_HEX >= 0x030D0000
    return &ts->current_frame;
#else
    return &ts->cframe->current_frame;
#endif
}

static void save_and_clear(PyThreadState *ts, struct saved_state *s)
{
    s->frame = *current_frame_slot(ts);
    s->chunk = ts->datastack_chunk;
    s->top = ts->datastack_top;
    s->limit = ts->datastack_limit;
#if PY_VERSION_HEX >= 0x030C0000
    s->py_recursion = ts->py_recursion_remaining;
    s->c_recursion = ts->c_recursion_remaining;
#else
    s->py_recursion = ts->recursion_remaining;
#endif
    /* An empty data stack: the interpreter allocates a new root chunk on
     * the first frame pushed, chained to nothing. */
    *current_frame_slot(ts) = NULL;
    ts->datastack_chunk = NULL;
    ts->datastack_top = NULL;
    ts->datastack_limit = NULL;
}

/* Frees the chunks the call allocated: the interpreter never pops a root
 * chunk, so they are ours to release, with the arena allocator that made
 * them. */
static void free_fresh_chunks(_PyStackChunk *chunk)
{
    PyObjectArenaAllocator arena;
    PyObject_GetArenaAllocator(&arena);
    while (chunk) {
        _PyStackChunk *previous = chunk->previous;
        arena.free(arena.ctx, chunk, chunk->size);
        chunk = previous;
    }
}

static PyObject *frameswap_run(PyObject *args, int restore_data_stack)
{
    if (PyTuple_GET_SIZE(args) < 1 || !PyCallable_Check(PyTuple_GET_ITEM(args, 0))) {
        PyErr_SetString(PyExc_TypeError, "want a callable and its arguments");
        return NULL;
    }
    PyObject *func = PyTuple_GET_ITEM(args, 0);
    PyObject *rest = PyTuple_GetSlice(args, 1, PyTuple_GET_SIZE(args));
    if (!rest)
        return NULL;
    PyThreadState *ts = PyThreadState_Get();
    struct saved_state s;
    save_and_clear(ts, &s);

    PyObject *result = PyObject_Call(func, rest, NULL);

    _PyStackChunk *fresh = ts->datastack_chunk;
    *current_frame_slot(ts) = s.frame;
#if PY_VERSION_HEX >= 0x030C0000
    ts->py_recursion_remaining = s.py_recursion;
    ts->c_recursion_remaining = s.c_recursion;
#else
    ts->recursion_remaining = s.py_recursion;
#endif
    if (restore_data_stack) {
        ts->datastack_chunk = s.chunk;
        ts->datastack_top = s.top;
        ts->datastack_limit = s.limit;
    }
    free_fresh_chunks(fresh);
    Py_DECREF(rest);
    return result;
}

static PyObject *call_on_fresh_stack(PyObject *self, PyObject *args)
{
    (void)self;
    return frameswap_run(args, 1);
}

static PyObject *call_restoring_frame_only(PyObject *self, PyObject *args)
{
    (void)self;
    return frameswap_run(args, 0);
}

static PyMethodDef methods[] = {
    {"call_on_fresh_stack", call_on_fresh_stack, METH_VARARGS,
     "Call f(*args) on a fresh frame and data stack, then restore."},
    {"call_restoring_frame_only", call_restoring_frame_only, METH_VARARGS,
     "The bpo-46090 bug: restore the frame but not the data stack."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "frameswap",
    "Greenlet-like frame and data-stack swapping (bpo-46090).", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit_frameswap(void)
{
    return PyModule_Create(&module);
}
