//! `sim.requestHandler()`: the AWS SDK for JavaScript v3's `HttpHandler` over the simulator, so
//! that unmodified `SFNClient` and `CloudWatchLogsClient` code runs against it in Node.js or in a
//! page, with no network and no host to reach (`StartSyncExecution`'s `sync-` host prefix is
//! never resolved). Each request goes through [`crate::protocol`], the same code as
//! `asl-sim serve`; waiting requests (`StartSyncExecution`, `GetActivityTask`) settle when the
//! scheduler sees them answered. Also `deleteStateMachine`.

use js_sys::{Object, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::convert::{from_js, get, set};
use super::scheduler::Shared;
use super::{api_error, to_js, validation, Simulator};
use crate::protocol::{self, Reply, Response};
use crate::simulator as account;

/// The SDK v3 request handler of a simulator: `new SFNClient({region, credentials, requestHandler:
/// sim.requestHandler()})`.
#[wasm_bindgen]
pub struct RequestHandler {
    shared: std::rc::Rc<Shared>,
}

#[wasm_bindgen]
impl Simulator {
    /// An AWS SDK for JavaScript v3 request handler (the `HttpHandler` shape) that answers Step
    /// Functions and CloudWatch Logs requests from this simulator. The lite build (without the
    /// crate feature `request-handler`) throws [`super::not_in_this_build`]'s error instead.
    #[wasm_bindgen(js_name = requestHandler)]
    pub fn request_handler(&self) -> Result<RequestHandler, JsValue> {
        if !cfg!(feature = "request-handler") {
            return Err(super::not_in_this_build("sim.requestHandler()"));
        }
        Ok(RequestHandler { shared: self.shared.clone() })
    }

    /// `DeleteStateMachine`: the machine, its versions, aliases and tags go; its running
    /// executions run to their end. `{}`, also for a machine that does not exist (as on AWS).
    #[wasm_bindgen(js_name = deleteStateMachine, unchecked_return_type = "DeleteStateMachineOutput")]
    pub fn delete_state_machine(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DeleteStateMachineInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let req: account::StateMachineInput = from_js(&input, "DeleteStateMachineInput")?;
        let mut st = self.shared.borrow()?;
        to_js(&st.account.delete_state_machine(&req).map_err(api_error)?)
    }
}

#[wasm_bindgen]
impl RequestHandler {
    /// Answers one request, as an SDK's `HttpHandler.handle` does: a promise of `{response:
    /// {statusCode, headers, body}}` with the JSON body as a `Uint8Array`.
    #[wasm_bindgen(unchecked_return_type = "Promise<{ response: HttpResponseLike }>")]
    pub fn handle(
        &self,
        #[wasm_bindgen(unchecked_param_type = "HttpRequestLike")] request: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "unknown")] _options: Option<JsValue>,
    ) -> Promise {
        match self.try_handle(&request) {
            Ok(p) => p,
            Err(e) => Promise::reject(&e),
        }
    }

    fn try_handle(&self, request: &JsValue) -> Result<Promise, JsValue> {
        // A lite build has no handler to call this on; the check leaves the protocol out of it.
        if !cfg!(feature = "request-handler") {
            return Err(super::not_in_this_build("sim.requestHandler()"));
        }
        if !request.is_object() {
            return Err(validation("the request must be an HttpRequest object"));
        }
        let target = header(request, "x-amz-target");
        let body = body_bytes(get(request, "body"))?;
        let reply = {
            let mut st = self.shared.borrow()?;
            let now = st.now();
            protocol::handle(&mut st.account, target.as_deref(), &body, now, js_sys::Date::now() as i64)
        };
        let promise = match reply {
            Reply::Done(r) => Promise::resolve(&http_response(&r)),
            Reply::Wait(w) => {
                let mut resolve = None;
                let promise = Promise::new(&mut |res, _rej| resolve = Some(res));
                let resolve = resolve.ok_or_else(|| validation("could not create a Promise"))?;
                self.shared.borrow()?.wire_waits.push((w, resolve));
                promise
            }
        };
        self.shared.kick();
        Ok(promise)
    }

    /// Part of the SDK's `HttpHandler` interface: nothing to configure.
    #[wasm_bindgen(js_name = updateHttpClientConfig)]
    pub fn update_http_client_config(
        &self,
        #[wasm_bindgen(unchecked_param_type = "unknown")] _key: JsValue,
        #[wasm_bindgen(unchecked_param_type = "unknown")] _value: JsValue,
    ) {
    }

    /// Part of the SDK's `HttpHandler` interface: no configuration.
    #[wasm_bindgen(js_name = httpHandlerConfigs, unchecked_return_type = "Record<string, never>")]
    pub fn http_handler_configs(&self) -> JsValue {
        Object::new().into()
    }

    /// Part of the SDK's `HttpHandler` interface (`client.destroy()`): nothing to release.
    pub fn destroy(&self) {}
}

/// A request header, whatever its case.
fn header(request: &JsValue, name: &str) -> Option<String> {
    let headers = get(request, "headers")?;
    let keys = Object::keys(headers.dyn_ref::<Object>()?);
    keys.iter()
        .filter_map(|k| k.as_string())
        .find(|k| k.eq_ignore_ascii_case(name))
        .and_then(|k| get(&headers, &k))
        .and_then(|v| v.as_string())
}

/// The body: JSON text, bytes, or nothing.
fn body_bytes(body: Option<JsValue>) -> Result<Vec<u8>, JsValue> {
    match body {
        None => Ok(Vec::new()),
        Some(b) if b.is_null() => Ok(Vec::new()),
        Some(b) => {
            if let Some(text) = b.as_string() {
                return Ok(text.into_bytes());
            }
            if let Some(bytes) = b.dyn_ref::<Uint8Array>() {
                return Ok(bytes.to_vec());
            }
            Err(validation("the request body must be a string or a Uint8Array (streams are not supported)"))
        }
    }
}

/// `{response: {statusCode, headers, body}}` for the SDK.
pub(super) fn http_response(r: &Response) -> JsValue {
    let headers = Object::new();
    for (k, v) in &r.headers {
        set(&headers, &k.to_ascii_lowercase(), &JsValue::from_str(v));
    }
    set(&headers, "content-length", &JsValue::from_str(&r.body.len().to_string()));
    let response = Object::new();
    set(&response, "statusCode", &JsValue::from_f64(f64::from(r.status)));
    set(&response, "headers", &headers);
    set(&response, "body", &Uint8Array::from(r.body.as_slice()));
    let out = Object::new();
    set(&out, "response", &response);
    out.into()
}
