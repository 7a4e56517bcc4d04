// A partition assigner that keeps co-partitioned topics together: the member that owns partition
// p of one input topic owns partition p of every input topic, so all of a device's readings (keyed
// by deviceId on every telemetry topic) reach the one member that holds its state. kafkajs's
// round-robin assigner would split them as soon as a group reads two topics.
import kafkajs from 'kafkajs';

const { AssignerProtocol } = kafkajs;
type AssignerFactory = Parameters<InstanceType<typeof kafkajs.Kafka>['consumer']>[0]['partitionAssigners'] extends (infer A)[] | undefined ? A : never;

export const coPartitionedAssigner: AssignerFactory = ({ cluster }) => ({
  name: 'OpsConductorCoPartitioned',
  version: 1,
  async assign({ members, topics }) {
    const sorted = members.map((m) => m.memberId).sort();
    const byMember = new Map<string, Record<string, number[]>>(sorted.map((id) => [id, {}]));
    for (const topic of topics) {
      for (const { partitionId } of cluster.findTopicPartitionMetadata(topic)) {
        const owner = byMember.get(sorted[partitionId % sorted.length])!;
        (owner[topic] ??= []).push(partitionId);
      }
    }
    return sorted.map((memberId) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment: byMember.get(memberId)!, userData: Buffer.alloc(0) }),
    }));
  },
  protocol({ topics }) {
    return { name: 'OpsConductorCoPartitioned', metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }) };
  },
});
