// Runs Kafka's own client-side assignors (from the kafka-clients jar) over cases read from
// stdin and prints their assignments, for tests/real/test_assignors_vs_kafka.py.
//
// Input, one item per line:   CASE <assignor name>
//                             TOPIC <name> <partitions>
//                             MEMBER <id> <instance|-> <generation> <t1,t2|-> <topic:p,...|->
//                             END
// Output for each case:       RESULT   (or ERROR <exception class>)
//                             MEMBER <id> <topic:p,...|->     (in the order Java returns them)
//                             DONE
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Assignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.clients.consumer.StickyAssignor;
import org.apache.kafka.clients.consumer.internals.AbstractPartitionAssignor;
import org.apache.kafka.common.TopicPartition;

public class AssignorOracle {
    static AbstractPartitionAssignor create(String name) {
        switch (name) {
            case "range": return new RangeAssignor();
            case "roundrobin": return new RoundRobinAssignor();
            case "sticky": return new StickyAssignor();
            case "cooperative-sticky": return new CooperativeStickyAssignor();
            default: throw new IllegalArgumentException(name);
        }
    }

    static List<TopicPartition> parsePartitions(String text) {
        List<TopicPartition> out = new ArrayList<>();
        if (text.equals("-")) return out;
        for (String item : text.split(",")) {
            int colon = item.lastIndexOf(':');
            out.add(new TopicPartition(item.substring(0, colon), Integer.parseInt(item.substring(colon + 1))));
        }
        return out;
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
        String line;
        String assignorName = null;
        Map<String, Integer> topics = new LinkedHashMap<>();
        Map<String, Subscription> subscriptions = new HashMap<>();
        StringBuilder out = new StringBuilder();
        while ((line = in.readLine()) != null) {
            String[] f = line.split(" ");
            switch (f[0]) {
                case "CASE":
                    assignorName = f[1];
                    topics = new LinkedHashMap<>();
                    subscriptions = new HashMap<>();
                    break;
                case "TOPIC":
                    topics.put(f[1], Integer.parseInt(f[2]));
                    break;
                case "MEMBER": {
                    String member = f[1];
                    Optional<String> instance = f[2].equals("-") ? Optional.empty() : Optional.of(f[2]);
                    int generation = Integer.parseInt(f[3]);
                    List<String> subscribed = f[4].equals("-") ? new ArrayList<>() : new ArrayList<>(Arrays.asList(f[4].split(",")));
                    List<TopicPartition> owned = parsePartitions(f[5]);
                    Subscription subscription;
                    if (assignorName.equals("sticky")) {
                        // Eager sticky: the previous assignment travels in the member's user data.
                        ByteBuffer userData = null;
                        if (generation >= 0 || !owned.isEmpty()) {
                            StickyAssignor own = new StickyAssignor();
                            own.onAssignment(new Assignment(owned), new ConsumerGroupMetadata("g", generation, member, instance));
                            userData = own.subscriptionUserData(new HashSet<>(subscribed));
                        }
                        subscription = new Subscription(subscribed, userData, Collections.emptyList(), generation, Optional.empty());
                    } else {
                        subscription = new Subscription(subscribed, null, owned, generation, Optional.empty());
                    }
                    subscription.setGroupInstanceId(instance);
                    subscriptions.put(member, subscription);
                    break;
                }
                case "END": {
                    AbstractPartitionAssignor assignor = create(assignorName);
                    Map<String, Integer> partitionsPerTopic = new HashMap<>();
                    for (Subscription s : subscriptions.values())
                        for (String t : s.topics())
                            if (topics.containsKey(t) && topics.get(t) > 0) partitionsPerTopic.put(t, topics.get(t));
                    Map<String, List<TopicPartition>> result;
                    try {
                        result = assignor.assign(partitionsPerTopic, subscriptions);
                    } catch (RuntimeException e) {
                        out.append("ERROR ").append(e.getClass().getSimpleName()).append('\n');
                        break;
                    }
                    out.append("RESULT\n");
                    for (Map.Entry<String, List<TopicPartition>> e : result.entrySet()) {
                        StringBuilder parts = new StringBuilder();
                        for (TopicPartition tp : e.getValue()) {
                            if (parts.length() > 0) parts.append(',');
                            parts.append(tp.topic()).append(':').append(tp.partition());
                        }
                        out.append("MEMBER ").append(e.getKey()).append(' ')
                            .append(parts.length() == 0 ? "-" : parts.toString()).append('\n');
                    }
                    out.append("DONE\n");
                    break;
                }
                default:
                    break;
            }
        }
        System.out.print(out);
    }
}
