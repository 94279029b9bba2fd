/** Titles and remedies for PodUnschedulable findings: specific to the decision, in v1 or v2 wording. */
import type { AmlDeployment } from '../rule.js';
import { configWord } from './podSignals.js';
import { instanceType, nodePool, suggestVmSize } from './placement.js';
import { formatResource } from './quantity.js';
import { NODE_HEALTH_TAINT, type UnschedulableDecision } from './unschedulableDecision.js';

/** "0/3 nodes have" or "No node has", so titles read right with and without the scheduler's counts. */
function ratio(d: UnschedulableDecision, plural: string, singular: string): string {
  return d.available !== undefined && d.total !== undefined
    ? `${d.available}/${d.total} nodes ${plural}`
    : `No node ${singular}`;
}

function tooSmall(d: UnschedulableDecision): boolean {
  return !!d.largest && d.requested !== undefined && !d.nodesFull && d.resource !== 'pods';
}

export function unschedulableTitle(d: UnschedulableDecision): string {
  const res = d.resource ?? '';
  const amount = d.requested !== undefined ? formatResource(res, d.requested) : undefined;
  switch (d.detail) {
    case 'InsufficientCpu':
    case 'InsufficientMemory': {
      if (tooSmall(d) && d.largest && amount) {
        return `The pod requests ${amount}${res === 'memory' ? ' memory' : ''} but the largest node has only ${formatResource(res, d.largest.allocatable.get(res) ?? 0)} allocatable`;
      }
      return `${ratio(d, 'have', 'has')} ${amount ? `${amount}${res === 'memory' ? ' of memory' : ''}` : `enough ${res}`} free for the pod`;
    }
    case 'InsufficientGpu':
    case 'InsufficientExtendedResource':
      if (d.noNodeOffers) return `The pod requests ${d.requested ?? 1} ${res} but no node offers it`;
      return `${ratio(d, 'have', 'has')} a free ${res} for the pod`;
    case 'TooManyPods':
      return `${ratio(d, 'can', 'can')} take another pod: every node is at its pod limit (Too many pods)`;
    case 'TaintNotTolerated': {
      const t = d.taints?.[0];
      if (!t && d.cordoned?.length)
        return `${d.cordoned.length} node(s) are cordoned and no other node can take the pod`;
      return t
        ? `${t.nodes || (d.failingNodes ?? 'Some')} node(s) have taint ${t.text} that the pod doesn't tolerate`
        : `The nodes carry taints the pod doesn't tolerate`;
    }
    case 'NodesCordoned':
      return `${d.cordoned?.length ? `${d.cordoned.length} node(s) are` : 'The nodes are'} cordoned (unschedulable) and no other node can take the pod`;
    case 'AffinityMismatch':
      return "No node satisfies the pod's pod (anti-)affinity or topology spread rules";
    case 'NodeSelectorMismatch': {
      const s = d.selector?.[0];
      if (s) return `No node matches the pod's node selector ${s.key}=${s.value}`;
      return d.affinity
        ? "No node satisfies the pod's affinity rules"
        : "No node matches the pod's node selector";
    }
    default:
      return 'The pod cannot be scheduled on any node';
  }
}

function resourceRemedy(target: AmlDeployment, d: UnschedulableDecision): string[] {
  const res = d.resource ?? 'cpu';
  const v1 = target.flavor === 'v1';
  const lower = v1
    ? `lower ${res === 'memory' ? 'memory_gb' : 'cpu_cores'} in AksWebservice.deploy_configuration (v1) and redeploy`
    : `choose a smaller instance type, or lower resources.requests.${res} of the instance type (v2), and redeploy`;
  if (tooSmall(d)) {
    const cpu = res === 'cpu' ? d.requested : undefined;
    const mem = res === 'memory' ? d.requested : undefined;
    const size = suggestVmSize(cpu, mem);
    return [
      `No node is big enough for ${formatResource(res, d.requested ?? 0)}: add a node pool with a larger VM size, e.g. ${size} (az aks nodepool add --node-vm-size ${size}), or ${lower}`,
    ];
  }
  return [
    `The nodes are big enough but full: scale out ${d.largest && nodePool(d.largest.node) ? `node pool ${nodePool(d.largest.node)}` : 'the node pool'} (az aks nodepool scale --node-count <n>, or enable the cluster autoscaler), or remove unused deployments from the cluster`,
    `Or ${lower}${v1 ? '; v1 rolling updates need room for one extra replica (maxSurge 1)' : ''}`,
  ];
}

function gpuRemedy(target: AmlDeployment, d: UnschedulableDecision): string[] {
  const res = d.resource ?? 'nvidia.com/gpu';
  const n = d.requested ?? 1;
  const drop =
    target.flavor === 'v1'
      ? 'drop gpu_cores from the deployment configuration'
      : 'use an instance type without a GPU';
  const bare = d.devicePluginMissing?.[0];
  if (d.devicePluginMissing && bare) {
    return [
      `Node(s) ${d.devicePluginMissing.map((v) => v.name).join(', ')} are ${instanceType(bare.node) ?? 'GPU'} VMs that advertise no ${res}: install the NVIDIA device plugin (AKS GPU node pool with the GPU driver/device plugin DaemonSet), then the pod schedules by itself`,
    ];
  }
  if (d.noNodeOffers) {
    return [
      `The pod requests ${n} ${res} but no node offers it: add a GPU node pool (e.g. Standard_NC6s_v3) with the NVIDIA device plugin, or ${drop}`,
    ];
  }
  return [
    `Every ${res} is already allocated: scale out the GPU node pool${d.largest && nodePool(d.largest.node) ? ` ${nodePool(d.largest.node)}` : ''} (az aks nodepool scale), or free GPUs by deleting unused GPU deployments`,
    `Or ${target.flavor === 'v1' ? 'lower gpu_cores in AksWebservice.deploy_configuration' : 'lower the GPU count of the instance type'} and redeploy`,
  ];
}

function extendedRemedy(target: AmlDeployment, d: UnschedulableDecision): string[] {
  const res = d.resource ?? 'the extended resource';
  if (/fpga/i.test(res)) {
    return [
      `The pod requests ${res}, which only FPGA (Azure PBS) nodes offer: request FPGA quota (https://aka.ms/aml-real-time-ai) and add an FPGA node pool, or deploy the model without hardware acceleration`,
    ];
  }
  return [
    `The pod requests ${res} (set in ${configWord(target)}), which ${d.noNodeOffers ? 'no node advertises: add nodes whose device plugin offers it' : 'is fully allocated: add nodes that offer it'}, or remove the request and redeploy`,
  ];
}

function taintRemedy(target: AmlDeployment, d: UnschedulableDecision): string[] {
  const out: string[] = [];
  const health = (d.taints ?? []).filter((t) => NODE_HEALTH_TAINT.test(t.key));
  const custom = (d.taints ?? []).filter((t) => !NODE_HEALTH_TAINT.test(t.key));
  if (health.length) {
    out.push(
      `Taint ${health.map((t) => t.text).join(', ')} marks unhealthy nodes: check them with kubectl describe node and AKS resource health; restart or replace the affected nodes (az aks nodepool upgrade/scale)`,
    );
  }
  if (d.cordoned?.length) {
    out.push(
      `Uncordon ${d.cordoned.join(', ')} once maintenance is over (kubectl uncordon <node>), or add nodes`,
    );
  }
  if (custom.length) {
    const list = custom.map((t) => t.text).join(', ');
    out.push(
      target.flavor === 'v2'
        ? `Add a toleration for ${list} to the instance type (InstanceType spec.tolerations, kubectl edit instancetype <name>) and redeploy, or deploy with an instance type whose nodeSelector targets an untainted pool`
        : `Azure ML v1 sets no tolerations and overwrites manual edits: remove the taint from the node pool (az aks nodepool update --node-taints "") or add an untainted node pool for the service`,
    );
  }
  if (!out.length)
    out.push(
      'Remove the taints that keep the pod away, or add an untainted node pool (kubectl describe node shows the taints)',
    );
  return out;
}

function selectorRemedy(target: AmlDeployment, d: UnschedulableDecision): string[] {
  const s = d.selector?.[0];
  if (!s) {
    return [
      d.affinity
        ? 'Relax the required affinity / anti-affinity rules or add nodes that satisfy them (anti-affinity spreads replicas, so it needs at least as many nodes as replicas)'
        : "Check the pod's nodeSelector and node affinity against the node labels (kubectl get nodes --show-labels)",
    ];
  }
  const label = `${s.key}=${s.value}`;
  return target.flavor === 'v2'
    ? [
        `The instance type's nodeSelector ${label} matches no node: label the intended node pool (az aks nodepool update --name <pool> --labels ${label}) or fix the InstanceType's nodeSelector (kubectl edit instancetype <name>) and redeploy`,
      ]
    : [
        `Label the intended nodes with ${label} (az aks nodepool update --name <pool> --labels ${label}) or remove the node selector, then redeploy the service`,
      ];
}

export function unschedulableRemedy(target: AmlDeployment, d: UnschedulableDecision): string[] {
  switch (d.detail) {
    case 'InsufficientCpu':
    case 'InsufficientMemory':
      return resourceRemedy(target, d);
    case 'InsufficientGpu':
      return gpuRemedy(target, d);
    case 'InsufficientExtendedResource':
      return extendedRemedy(target, d);
    case 'TooManyPods':
      return [
        `Every node is at its max-pods limit${d.largest ? ` (${d.largest.allocatable.get('pods') ?? '?'} per node)` : ''}: scale out the node pool (az aks nodepool scale), or add a node pool with a higher limit (az aks nodepool add --max-pods 110); Azure CNI pools default to 30 pods per node`,
      ];
    case 'TaintNotTolerated':
      return taintRemedy(target, d);
    case 'NodeSelectorMismatch':
      return selectorRemedy(target, d);
    case 'NodesCordoned': {
      const nodes = d.cordoned?.length ? d.cordoned.join(' ') : '<node>';
      return [
        `Uncordon the nodes if the maintenance is over: \`kubectl uncordon ${nodes}\` (a node upgrade or drain that stopped half way leaves them cordoned; check \`az aks show --query provisioningState\`)`,
        'Otherwise add capacity that is not cordoned (scale the node pool) so the pod has somewhere to go',
      ];
    }
    case 'AffinityMismatch':
      return [
        `Read the pod's affinity rules (\`kubectl get pod -o jsonpath='{.spec.affinity}'\`): a required anti-affinity with one replica per node needs at least as many eligible nodes as replicas; scale out the node pool or lower the replica count`,
        'Or relax the rule to preferredDuringSchedulingIgnoredDuringExecution / a wider topology key, then redeploy',
      ];
    default:
      return [
        'Run kubectl describe pod to read the scheduler message, then add capacity or relax the placement rules',
      ];
  }
}
