/**
 * Planted secrets: one per kind the redactor must catch. `text` is how the secret appears in the wild (a log line,
 * an env dump, a URL); `secret` is the part that must never reach an output. Values are fake but shaped like the
 * real thing, and each is unique so a leak names its kind.
 */
export interface PlantedSecret {
  kind: string;
  text: string;
  secret: string;
}

const B64_88 =
  'Zm9vYmFyYmF6cXV4' + 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3';
const storageKey = `${B64_88.slice(0, 86)}==`;

export const SECRET_CORPUS: PlantedSecret[] = [
  {
    kind: 'storage connection string',
    text: `DefaultEndpointsProtocol=https;AccountName=ws1;AccountKey=${storageKey};EndpointSuffix=core.windows.net`,
    secret: storageKey.slice(0, 40),
  },
  {
    kind: 'env *_ACCESS_KEY',
    text: 'AZURE_STORAGE_ACCESS_KEY=Qk3vSecretAccessKeyValue91',
    secret: 'Qk3vSecretAccessKeyValue91',
  },
  { kind: 'env DB_PASSWORD', text: 'DB_PASSWORD=pw-Hunter2-Zq81', secret: 'pw-Hunter2-Zq81' },
  { kind: 'export *_TOKEN', text: 'export HF_TOKEN=hfTok9Value77xy', secret: 'hfTok9Value77xy' },
  { kind: 'YAML *_SECRET', text: 'MY_APP_SECRET: yamlSecretV4lue5', secret: 'yamlSecretV4lue5' },
  { kind: 'JSON password', text: '{"user":"svc","password":"jsonPw!Value31"}', secret: 'jsonPw!Value31' },
  {
    kind: 'CLI --password',
    text: 'docker login myacr.azurecr.io -u svc --password cliPwValue8812',
    secret: 'cliPwValue8812',
  },
  { kind: 'CLI --password=', text: 'az acr login --password=cliEqPw5521 -n x', secret: 'cliEqPw5521' },
  {
    kind: 'postgres URL password',
    text: 'sqlalchemy.exc.OperationalError: postgresql://admin:PgPassW0rd77@db.example.com:5432/app',
    secret: 'PgPassW0rd77',
  },
  {
    kind: 'pip feed URL token',
    text: 'Looking in indexes: https://build:pipFeedTok3n99@pkgs.dev.azure.com/org/_packaging/feed/pypi/simple/',
    secret: 'pipFeedTok3n99',
  },
  {
    kind: 'AWS access key id',
    text: 'aws_access_key_id = AKIAIOSFODNN7EXAMPL3',
    secret: 'AKIAIOSFODNN7EXAMPL3',
  },
  {
    kind: 'AWS secret access key',
    text: 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY9',
    secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY9',
  },
  {
    kind: 'GitHub ghp_',
    text: 'token ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8',
    secret: 'ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8',
  },
  {
    kind: 'GitHub github_pat_',
    text: 'GH=github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRS',
    secret: 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz',
  },
  {
    kind: 'service primaryKey',
    text: '{"primaryKey": "prim4ryK3yValue00", "x": 1}',
    secret: 'prim4ryK3yValue00',
  },
  { kind: 'service secondaryKey', text: '"secondaryKey":"sec0ndaryK3yValue"', secret: 'sec0ndaryK3yValue' },
  {
    kind: 'function ?code=',
    text: 'POST https://fn.azurewebsites.net/api/score?code=FnC0deValue123abc== failed',
    secret: 'FnC0deValue123abc',
  },
  {
    kind: 'Ocp-Apim-Subscription-Key',
    text: 'headers: Ocp-Apim-Subscription-Key: 0123abcdApimKeyValue4567',
    secret: 'ApimKeyValue4567',
  },
  {
    kind: 'AZURE_CLIENT_SECRET',
    text: 'AZURE_CLIENT_SECRET=cl1entS3cret~Value.X',
    secret: 'cl1entS3cret~Value.X',
  },
  {
    kind: 'URL-encoded sig%3D',
    text: 'redirect=https%3A%2F%2Fa.blob.core.windows.net%2Fc%3Fsv%3D2021%26sig%3DencSigVa1ue%252B9%26sp%3Dr',
    secret: 'encSigVa1ue',
  },
  {
    kind: 'SAS sig=',
    text: 'GET https://a.blob.core.windows.net/azureml/m.pkl?sv=2021-08-06&se=2030&sig=SasSigValue%2B77%3D&sp=r',
    secret: 'SasSigValue',
  },
  {
    kind: 'Teams webhook URL',
    text: 'posting to https://contoso.webhook.office.com/webhookb2/aaaa-bbbb@cccc/IncomingWebhook/teamsHookSecret99/dddd',
    secret: 'teamsHookSecret99',
  },
  {
    kind: 'Logic Apps workflow URL',
    text: 'https://prod-01.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=LogicSigValue0042',
    secret: 'LogicSigValue0042',
  },
  {
    kind: 'Slack webhook',
    text: 'https://hooks.slack.com/services/T0000/B0000/slackHookSecretXYZ',
    secret: 'slackHookSecretXYZ',
  },
  { kind: 'Slack token', text: 'SLACK=xoxb-123456789012-slackBotTokenValue', secret: 'slackBotTokenValue' },
  { kind: 'api_key=', text: 'requests.get(url, params="api_key=apiKeyValue77Q")', secret: 'apiKeyValue77Q' },
  {
    kind: 'JWT',
    text: 'id token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqd3RTdWJqZWN0VmFsdWUifQ.jwtSignatureValue123456',
    secret: 'jwtSignatureValue123456',
  },
  {
    kind: 'Bearer header',
    text: 'Authorization: Bearer bearerOpaqueTokenValue55',
    secret: 'bearerOpaqueTokenValue55',
  },
  {
    kind: 'Service Bus SharedAccessKey',
    text: 'Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=sbKeyValue0099=',
    secret: 'sbKeyValue0099',
  },
  {
    kind: 'ACS accesskey',
    text: 'endpoint=https://x.communication.azure.com/;accesskey=acsAccessKeyValue12==',
    secret: 'acsAccessKeyValue12',
  },
  {
    kind: 'PEM private key',
    text: [
      '-----BEGIN RSA PRIVATE KEY-----',
      'MIIEowIBAAKCAQEA7pemBodyLineOneAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      'pemBodyLineTwoBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB12',
      '-----END RSA PRIVATE KEY-----',
    ].join('\n'),
    secret: 'pemBodyLineTwo',
  },
  {
    kind: 'docker auth',
    text: '{"auths":{"acr.azurecr.io":{"auth":"ZG9ja2VyQXV0aFZhbHVl"}}}',
    secret: 'ZG9ja2VyQXV0aFZhbHVl',
  },
  {
    kind: 'npm token',
    text: '//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789',
    secret: 'npm_abcdefghij',
  },
];
