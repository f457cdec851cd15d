//! `yibao._yibao`: the engine as a Python extension module (the package's `yibao/__init__.py`
//! wraps it). Cases, packs and results cross as Python values converted to and from the
//! engine's JSON values (amounts leave as text with two decimals, as in the contract; numbers
//! that are not whole leave as `decimal.Decimal`, never as floats); claims cross as Arrow record
//! batches through the C stream interface (the PyCapsule protocol), without a copy.
//!
//! No panic crosses into Python: the engine's faults are the contract's errors, raised as
//! `yibao.YibaoError` with `code`, `path` and `message`, and nothing here unwraps what a user
//! gave.

use arrow_array::ffi_stream::{RecordBatchStreamReader, FFI_ArrowArrayStream};
use arrow_array::{RecordBatch, RecordBatchIterator, RecordBatchReader};
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyCapsule, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};
use std::ffi::CStr;
use std::sync::Mutex;
use yibao::batch::table::{self, Pack};

pyo3::create_exception!(
    yibao,
    YibaoError,
    PyException,
    "The contract's error (contract.md, \"Errors\"): `code` (e.g. `invalid_amount`), `path` (the field, e.g. `visits[0].total`, or a JSON Pointer into a pack) and `message` (Chinese, then English in brackets)."
);

/// The contract's error as a `YibaoError`, its fields as attributes.
fn raise(py: Python<'_>, e: &yibao::Error) -> PyErr {
    let err = YibaoError::new_err(e.to_string());
    let value = err.value(py);
    // Setting attributes on a fresh exception instance does not fail; if it ever did, the
    // message still says all.
    let _ = value.setattr("code", e.code);
    let _ = value.setattr("path", e.path.as_str());
    let _ = value.setattr("message", e.message.as_str());
    err
}

/// How deep a value may nest (as the engine's JSON reader, src/input/mod.rs).
const MAX_DEPTH: usize = 128;

/// Python values to the engine's JSON values: dict (string keys), list and tuple, str, bool,
/// int (and integers with `__index__`, such as numpy's), float (by its shortest repr), `decimal.Decimal` (by its digits), `datetime.date` (as
/// `YYYY-MM-DD`), None.
struct ToJson<'py> {
    decimal: Bound<'py, PyAny>,
    date: Bound<'py, PyAny>,
}

impl<'py> ToJson<'py> {
    fn new(py: Python<'py>) -> PyResult<Self> {
        Ok(ToJson { decimal: py.import("decimal")?.getattr("Decimal")?, date: py.import("datetime")?.getattr("date")? })
    }

    fn value(&self, v: &Bound<'py, PyAny>, path: &str, depth: usize) -> Result<Value, yibao::Error> {
        if depth > MAX_DEPTH {
            return Err(yibao::Error::new("invalid_json", path, "嵌套层数过多", "the value nests too deeply"));
        }
        let at = |path: &str, what: &str| {
            yibao::Error::new("invalid_type", path, format_args!("不支持的 Python 值：{what}"), format_args!("unsupported Python value: {what}"))
        };
        let text = |s: &Bound<'py, PyAny>| -> Result<String, yibao::Error> {
            s.str().map(|s| s.to_string()).map_err(|e| at(path, &e.to_string()))
        };
        let number = |digits: String| -> Result<Value, yibao::Error> {
            digits.parse::<Number>().map(Value::Number).map_err(|_| {
                yibao::Error::new("invalid_type", path, format_args!("不是有限的数：{digits}"), format_args!("not a finite number: {digits}"))
            })
        };
        if v.is_none() {
            Ok(Value::Null)
        } else if let Ok(b) = v.cast::<PyBool>() {
            Ok(Value::Bool(b.is_true()))
        } else if let Ok(s) = v.cast::<PyString>() {
            Ok(Value::String(s.to_cow().map_err(|e| at(path, &e.to_string()))?.into_owned()))
        } else if v.is_instance_of::<PyInt>() {
            number(text(v)?)
        } else if v.is_instance_of::<PyFloat>() {
            number(v.repr().map(|r| r.to_string()).map_err(|e| at(path, &e.to_string()))?)
        } else if let Ok(d) = v.cast::<PyDict>() {
            let mut map = Map::new();
            for (k, item) in d.iter() {
                let Ok(key) = k.cast::<PyString>() else {
                    let what = k.get_type().name().map(|n| n.to_string()).unwrap_or_default();
                    return Err(yibao::Error::new("invalid_type", path, format_args!("字典的键应为文字，不能是 {what}"), format_args!("dict keys must be str, not {what}")));
                };
                let key = key.to_cow().map_err(|e| at(path, &e.to_string()))?.into_owned();
                let inner = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                let item = self.value(&item, &inner, depth + 1)?;
                map.insert(key, item);
            }
            Ok(Value::Object(map))
        } else if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
            let mut out = Vec::new();
            for (i, item) in v.try_iter().map_err(|e| at(path, &e.to_string()))?.enumerate() {
                let item = item.map_err(|e| at(path, &e.to_string()))?;
                out.push(self.value(&item, &format!("{path}[{i}]"), depth + 1)?);
            }
            Ok(Value::Array(out))
        } else if v.is_instance(&self.decimal).unwrap_or(false) {
            number(text(v)?)
        } else if v.hasattr("__index__").unwrap_or(false) && !v.is_instance(&self.decimal).unwrap_or(false) {
            // An integer of another library (numpy.int64, …): by its own index value.
            let i = v.call_method0("__index__").map_err(|e| at(path, &e.to_string()))?;
            number(text(&i)?)
        } else if v.is_instance(&self.date).unwrap_or(false) {
            let iso = v.call_method0("isoformat").map_err(|e| at(path, &e.to_string()))?;
            Ok(Value::String(text(&iso)?))
        } else {
            let what = v.get_type().name().map(|n| n.to_string()).unwrap_or_default();
            Err(at(path, &what))
        }
    }
}

/// The engine's JSON values to Python: objects as dicts (in their order), arrays as lists, whole
/// numbers as int, other numbers as `decimal.Decimal`.
fn to_py<'py>(py: Python<'py>, v: &Value, decimal: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Number(n) => {
            let digits = n.as_str();
            if let Ok(i) = digits.parse::<i64>() {
                i.into_pyobject(py)?.into_any()
            } else if digits.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
                py.get_type::<PyInt>().call1((digits,))?
            } else {
                decimal.call1((digits,))?
            }
        }
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item, decimal)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, item) in map {
                dict.set_item(k, to_py(py, item, decimal)?)?;
            }
            dict.into_any()
        }
    })
}

fn decimal_type(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    py.import("decimal")?.getattr("Decimal")
}

/// A case and an optional pack (a bundled pack's id, or a pack as a dict) as JSON values.
fn inputs(py: Python<'_>, case: &Bound<'_, PyAny>, policy: Option<&Bound<'_, PyAny>>) -> PyResult<(Value, Option<Value>)> {
    let conv = ToJson::new(py)?;
    let case = conv.value(case, "", 0).map_err(|e| raise(py, &e))?;
    let policy = match policy {
        None => None,
        Some(p) if p.is_none() => None,
        Some(p) => match conv.value(p, "policy", 0).map_err(|e| raise(py, &e))? {
            // A bundled pack's id: as the case's own `policy` member would name it.
            Value::String(id) => return Ok((with_policy_id(case, id), None)),
            pack => Some(pack),
        },
    };
    Ok((case, policy))
}

/// The case naming the bundled pack `id` (its `policy` member set, its `region` left out).
fn with_policy_id(case: Value, id: String) -> Value {
    match case {
        Value::Object(mut map) => {
            map.shift_remove("region");
            map.insert("policy".to_owned(), Value::String(id));
            Value::Object(map)
        }
        other => other,
    }
}

fn output(py: Python<'_>, v: Result<Result<Value, serde_json::Error>, yibao::Error>) -> PyResult<Py<PyAny>> {
    let v = v.map_err(|e| raise(py, &e))?.map_err(|e| raise(py, &yibao::Error::new("internal_guard", "", format_args!("无法写出结果：{e}"), format_args!("cannot write the result: {e}"))))?;
    Ok(to_py(py, &v, &decimal_type(py)?)?.unbind())
}

/// estimate(case, policy=None, parameters=False) -> dict
///
/// 测算一个案例（基本医保、大病保险、医疗救助）：the contract's estimate of `case` (a dict as
/// the contract's case JSON) under the bundled pack it names, or under `policy`: a bundled
/// pack's id (str) or a pack (dict). Amounts are str with two decimals. With `parameters`, the
/// values and sources of the parameters the steps name are added. Raises `YibaoError`.
#[pyfunction]
#[pyo3(signature = (case, policy=None, parameters=false))]
fn estimate(py: Python<'_>, case: &Bound<'_, PyAny>, policy: Option<&Bound<'_, PyAny>>, parameters: bool) -> PyResult<Py<PyAny>> {
    let (case, policy) = inputs(py, case, policy)?;
    let numbers = parameters.then_some(yibao::Numbers::Exact);
    let v = py.detach(|| yibao::with_estimate(&case, policy.as_ref(), |e| serde_json::to_value(yibao::Output { estimate: e, parameters: numbers })));
    output(py, v)
}

/// settle(case, policy=None, parameters=False) -> dict
///
/// 基金结算测算（settlement.md）：the year's settlement of a 医共体 or pilot, `case` a dict as
/// the settlement case JSON, under the bundled pack it names or `policy` (an id or a pack dict).
/// Raises `YibaoError`.
#[pyfunction]
#[pyo3(signature = (case, policy=None, parameters=false))]
fn settle(py: Python<'_>, case: &Bound<'_, PyAny>, policy: Option<&Bound<'_, PyAny>>, parameters: bool) -> PyResult<Py<PyAny>> {
    let (case, policy) = inputs(py, case, policy)?;
    let numbers = parameters.then_some(yibao::Numbers::Exact);
    let v = py.detach(|| yibao::with_settlement(&case, policy.as_ref(), |s| serde_json::to_value(yibao::settlement::Output::new(s, numbers))));
    output(py, v)
}

/// policies() -> list[dict]
///
/// 内置政策包：the bundled packs (id, name, region, effective period, hospital levels).
#[pyfunction]
fn policies(py: Python<'_>) -> PyResult<Py<PyAny>> {
    let v = yibao::policies().map(serde_json::to_value);
    output(py, v)
}

const STREAM: &CStr = c"arrow_array_stream";

/// An Arrow C stream handed to Python once, through `__arrow_c_stream__` (pyarrow's
/// `pa.table(...)`, Polars' `pl.DataFrame(...)` take it).
#[pyclass(module = "yibao._yibao", name = "ArrowStream")]
struct ArrowStream {
    stream: Mutex<Option<FFI_ArrowArrayStream>>,
}

impl ArrowStream {
    fn of(schema: arrow_schema::SchemaRef, batches: Vec<RecordBatch>) -> ArrowStream {
        let reader: Box<dyn RecordBatchReader + Send> = Box::new(RecordBatchIterator::new(batches.into_iter().map(Ok), schema));
        ArrowStream { stream: Mutex::new(Some(FFI_ArrowArrayStream::new(reader))) }
    }
}

#[pymethods]
impl ArrowStream {
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(&self, py: Python<'py>, requested_schema: Option<Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let taken = self.stream.lock().ok().and_then(|mut s| s.take());
        match taken {
            Some(stream) => PyCapsule::new_with_value(py, stream, STREAM),
            None => Err(pyo3::exceptions::PyValueError::new_err("此 Arrow 流已被读取 (this Arrow stream was already consumed)")),
        }
    }
}

/// Record batches from anything with `__arrow_c_stream__`.
fn read_table(py: Python<'_>, table: &Bound<'_, PyAny>) -> PyResult<(arrow_schema::SchemaRef, Vec<RecordBatch>)> {
    let claims_error = |zh: &str, en: &str| raise(py, &yibao::Error::new("invalid_claims", "claims", zh, en));
    if !table.hasattr("__arrow_c_stream__")? {
        let what = table.get_type().name().map(|n| n.to_string()).unwrap_or_default();
        return Err(claims_error(
            &format!("理赔表应支持 Arrow PyCapsule 接口（__arrow_c_stream__），{what} 不支持"),
            &format!("the claims table must support the Arrow PyCapsule interface (__arrow_c_stream__); {what} does not"),
        ));
    }
    let capsule = table.call_method0("__arrow_c_stream__")?;
    let capsule = capsule.cast::<PyCapsule>().map_err(|_| claims_error("__arrow_c_stream__ 没有返回 PyCapsule", "__arrow_c_stream__ did not return a PyCapsule"))?;
    let pointer = capsule.pointer_checked(Some(STREAM))?;
    // SAFETY: a capsule named "arrow_array_stream" holds an FFI_ArrowArrayStream (the Arrow
    // PyCapsule interface); from_raw moves the stream out and leaves a released one behind,
    // which the capsule's own destructor then ignores.
    let reader = unsafe { RecordBatchStreamReader::from_raw(pointer.as_ptr().cast::<FFI_ArrowArrayStream>()) }
        .map_err(|e| claims_error(&format!("无法读取 Arrow 流：{e}"), &format!("cannot read the Arrow stream: {e}")))?;
    let schema = reader.schema();
    let mut batches = Vec::new();
    for b in reader {
        batches.push(b.map_err(|e| claims_error(&format!("无法读取 Arrow 批次：{e}"), &format!("cannot read an Arrow batch: {e}")))?);
    }
    Ok((schema, batches))
}

/// _batch(table, policies, keep) -> (results stream, rejects stream, summary dict)
///
/// `yibao batch` over an Arrow table (see `yibao.batch`).
#[pyfunction]
#[pyo3(signature = (table, policies, keep=None))]
fn _batch(py: Python<'_>, table: &Bound<'_, PyAny>, policies: &Bound<'_, PyAny>, keep: Option<Vec<String>>) -> PyResult<(ArrowStream, ArrowStream, Py<PyAny>)> {
    let conv = ToJson::new(py)?;
    let specs: Vec<Value> = if policies.is_instance_of::<PyString>() || policies.is_instance_of::<PyDict>() {
        vec![conv.value(policies, "policies", 0).map_err(|e| raise(py, &e))?]
    } else {
        let mut out = Vec::new();
        for (i, p) in policies.try_iter()?.enumerate() {
            out.push(conv.value(&p?, &format!("policies[{i}]"), 0).map_err(|e| raise(py, &e))?);
        }
        out
    };
    let mut packs = Vec::with_capacity(specs.len());
    for (i, spec) in specs.iter().enumerate() {
        let pack = match spec {
            Value::String(_) | Value::Object(_) => Pack::of(spec).map_err(|e| raise(py, &e.under(&format!("policies[{i}]"))))?,
            _ => {
                return Err(raise(
                    py,
                    &yibao::Error::new("invalid_type", format!("policies[{i}]"), "政策包应为内置政策包的 id（文字）或政策包（字典）", "a policy must be a bundled pack's id (str) or a pack (dict)"),
                ))
            }
        };
        packs.push(pack);
    }
    let keep = keep.unwrap_or_default();
    let (schema, batches) = read_table(py, table)?;
    let out = py.detach(|| {
        let policies: Vec<&yibao::Policy> = packs.iter().map(Pack::get).collect();
        table::run(&schema, &batches, &policies, &keep)
    });
    let out = out.map_err(|e| raise(py, &e))?;
    let summary = to_py(py, &out.summary.json(), &decimal_type(py)?)?.unbind();
    let rejects_schema = out.rejects.schema();
    Ok((ArrowStream::of(out.results_schema, out.results), ArrowStream::of(rejects_schema, vec![out.rejects]), summary))
}

#[pymodule]
fn _yibao(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("YibaoError", m.py().get_type::<YibaoError>())?;
    m.add_class::<ArrowStream>()?;
    m.add_function(wrap_pyfunction!(estimate, m)?)?;
    m.add_function(wrap_pyfunction!(settle, m)?)?;
    m.add_function(wrap_pyfunction!(policies, m)?)?;
    m.add_function(wrap_pyfunction!(_batch, m)?)?;
    Ok(())
}
