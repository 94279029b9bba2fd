/**
 * Import name → pip distribution name, where they differ. `No module named 'sklearn'` is fixed by installing
 * `scikit-learn`, which is the step people get wrong. Longest dotted prefix wins (`azureml.core` before `azureml`).
 */
const PIP_NAMES: Readonly<Record<string, string>> = {
  sklearn: 'scikit-learn',
  skimage: 'scikit-image',
  cv2: 'opencv-python-headless',
  PIL: 'pillow',
  yaml: 'pyyaml',
  bs4: 'beautifulsoup4',
  dateutil: 'python-dateutil',
  dotenv: 'python-dotenv',
  jwt: 'PyJWT',
  Crypto: 'pycryptodome',
  OpenSSL: 'pyOpenSSL',
  attr: 'attrs',
  zmq: 'pyzmq',
  serial: 'pyserial',
  fitz: 'PyMuPDF',
  docx: 'python-docx',
  pptx: 'python-pptx',
  magic: 'python-magic',
  Levenshtein: 'python-Levenshtein',
  MySQLdb: 'mysqlclient',
  psycopg2: 'psycopg2-binary',
  ruamel: 'ruamel.yaml',
  google: 'protobuf',
  'google.protobuf': 'protobuf',
  tensorflow_hub: 'tensorflow-hub',
  inference_schema: 'inference-schema',
  azureml: 'azureml-defaults',
  'azureml.core': 'azureml-core',
  'azureml.contrib': 'azureml-contrib-services',
  'azureml.monitoring': 'azureml-monitoring',
  azureml_inference_server_http: 'azureml-inference-server-http',
  'azure.storage.blob': 'azure-storage-blob',
  'azure.identity': 'azure-identity',
  'azure.ai.ml': 'azure-ai-ml',
  'azure.keyvault.secrets': 'azure-keyvault-secrets',
};

/** The pip package that provides `module` (a dotted import path). Unknown names map to their top-level package. */
export function pipPackageFor(module: string): string {
  const parts = module.split('.');
  for (let n = parts.length; n > 0; n--) {
    const prefix = parts.slice(0, n).join('.');
    const known = PIP_NAMES[prefix];
    if (known) return known;
  }
  return parts[0]!.replace(/_/g, '-');
}
