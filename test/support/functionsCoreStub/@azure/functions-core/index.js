// Stub of the `@azure/functions-core` module the Azure Functions Node worker injects at run time.
// With it on NODE_PATH, `@azure/functions` leaves test mode and calls registerFunction(metadata, callback);
// the registrations are kept in a process-global list that tests read.
'use strict';

const registrations = (globalThis.__amlmonFunctionRegistrations ??= []);
const hooks = (globalThis.__amlmonHookRegistrations ??= []);

module.exports = {
  version: '4.0.0-stub',
  registrations,
  hooks,
  registerFunction(metadata, callback) {
    registrations.push({ metadata, callback });
    return { dispose() {} };
  },
  setProgrammingModel(model) {
    globalThis.__amlmonProgrammingModel = model;
  },
  registerHook(hookName, callback) {
    hooks.push({ hookName, callback });
    return { dispose() {} };
  },
  log() {},
};
