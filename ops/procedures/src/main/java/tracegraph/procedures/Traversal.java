package tracegraph.procedures;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.collections.impl.set.mutable.primitive.LongHashSet;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.ResourceIterable;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

/**
 * Breadth-first walks over INPUT_TO with the depth bound as a parameter (Cypher's variable-length bound must be a
 * literal, so cypher/trace/trace_back.cypher picks one of a few literal bounds). Each lot is reached once, at its
 * shortest depth, and the walk stops at maxDepth: a shallow walk never expands past its bound.
 */
public class Traversal {
    private static final RelationshipType INPUT_TO = RelationshipType.withName("INPUT_TO");

    /** One lot reached by a walk, at the length of its shortest path from the start. */
    public static class Reached {
        public final Node node;
        public final long depth;

        public Reached(Node node, long depth) {
            this.node = node;
            this.depth = depth;
        }
    }

    @Procedure(name = "tracegraph.upstream", mode = Mode.READ)
    @Description("tracegraph.upstream(root, maxDepth): every lot with an INPUT_TO path of at most maxDepth edges into"
            + " root, at its shortest depth (1..maxDepth); root itself is not listed")
    public Stream<Reached> upstream(@Name("root") Node root, @Name("maxDepth") long maxDepth) {
        if (root == null) {
            return Stream.empty();
        }
        return walk(List.of(root), Direction.INCOMING, maxDepth, false).stream();
    }

    @Procedure(name = "tracegraph.downstream", mode = Mode.READ)
    @Description("tracegraph.downstream(sources, maxDepth): the sources (depth 0) and every lot with an INPUT_TO path"
            + " of at most maxDepth edges from one of them, at its shortest depth")
    public Stream<Reached> downstream(@Name("sources") List<Node> sources, @Name("maxDepth") long maxDepth) {
        if (sources == null) {
            return Stream.empty();
        }
        return walk(sources, Direction.OUTGOING, maxDepth, true).stream();
    }

    @SuppressWarnings("removal")
    private static List<Reached> walk(List<Node> starts, Direction direction, long maxDepth, boolean listStarts) {
        LongHashSet seen = new LongHashSet();
        List<Reached> reached = new ArrayList<>();
        List<Node> frontier = new ArrayList<>();
        for (Node start : starts) {
            if (start != null && seen.add(start.getId())) {
                frontier.add(start);
                if (listStarts) {
                    reached.add(new Reached(start, 0));
                }
            }
        }
        for (long depth = 1; depth <= maxDepth && !frontier.isEmpty(); depth++) {
            List<Node> next = new ArrayList<>();
            for (Node node : frontier) {
                try (ResourceIterable<Relationship> edges = node.getRelationships(direction, INPUT_TO)) {
                    for (Relationship edge : edges) {
                        Node other = edge.getOtherNode(node);
                        if (seen.add(other.getId())) {
                            next.add(other);
                            reached.add(new Reached(other, depth));
                        }
                    }
                }
            }
            frontier = next;
        }
        return reached;
    }
}
