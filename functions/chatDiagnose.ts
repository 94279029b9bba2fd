/**
 * Queue trigger: a chat `diagnose` that took longer than Teams waits. Diagnoses the deployment again and posts the
 * card through the Teams (Workflows) channel.
 */
import { app, type InvocationContext } from '@azure/functions';
import { diagnoseNow, postLate } from '../shared/chat/commands.js';
import { deploymentRow } from '../shared/state/store.js';
import { CHAT_QUEUE, type ChatDiagnoseRequest } from '../shared/monitor/types.js';
import { runtimeFor } from './runtime.js';

function parseRequest(body: unknown): ChatDiagnoseRequest | undefined {
  let v = body;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v) as unknown;
    } catch {
      return undefined;
    }
  }
  const m = (typeof v === 'object' && v !== null ? v : {}) as Partial<ChatDiagnoseRequest>;
  if (
    m.v !== 1 ||
    typeof m.cluster !== 'string' ||
    typeof m.namespace !== 'string' ||
    typeof m.service !== 'string'
  )
    return undefined;
  return m as ChatDiagnoseRequest;
}

export async function chatDiagnose(
  message: unknown,
  context: InvocationContext,
): Promise<'posted' | 'not-posted' | 'malformed'> {
  const request = parseRequest(message);
  if (!request) {
    context.error('chatDiagnose: message is not a chat diagnosis request; dropped');
    return 'malformed';
  }
  const rt = await runtimeFor(context);
  const record = await rt.state.deployments.get(
    request.cluster,
    deploymentRow(request.namespace, request.service),
  );
  if (!record) {
    context.warn(`chatDiagnose: ${request.service} is no longer known; nothing posted`);
    return 'not-posted';
  }
  const { notification } = await diagnoseNow(rt, record.value);
  return (await postLate(rt, request.service, notification)) ? 'posted' : 'not-posted';
}

app.storageQueue('chatDiagnose', {
  queueName: CHAT_QUEUE,
  connection: 'AzureWebJobsStorage',
  handler: chatDiagnose,
});
