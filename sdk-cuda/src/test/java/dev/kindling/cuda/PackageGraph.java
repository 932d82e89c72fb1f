package dev.kindling.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which node uses which, for the compiled classes under a package prefix: a node is what {@code nodeOf}
 * maps a class name to (its package, usually). A class uses every class its constant pool names, as a
 * class entry (calls, fields, casts, supertypes) or inside a descriptor or generic signature (parameter,
 * return and field types), which is what the JVM would have to load to link it.
 */
final class PackageGraph {

    /** A class type inside a descriptor or signature: {@code Lpkg/Name;} or {@code Lpkg/Name<...>;}. */
    private static final Pattern DESCRIPTOR_TYPE = Pattern.compile("L([\\w/$]+)[;<]");

    private final String prefix;
    private final UnaryOperator<String> nodeOf;
    private final Map<String, Set<String>> uses = new TreeMap<>();
    /** For each node edge "a -> b", the class edges behind it, to say where a cycle comes from. */
    private final Map<String, Set<String>> because = new TreeMap<>();

    /** {@code prefix}: dotted, e.g. "dev.kindling.cuda."; classes outside it are not part of the graph. */
    PackageGraph(String prefix, UnaryOperator<String> nodeOf) {
        this.prefix = prefix;
        this.nodeOf = nodeOf;
    }

    /** The graph of every class under {@code prefix} in {@code location}, a classes folder or a jar. */
    static PackageGraph read(Path location, String prefix, UnaryOperator<String> nodeOf) throws IOException {
        PackageGraph g = new PackageGraph(prefix, nodeOf);
        String folder = prefix.replace('.', '/');
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.walk(location.resolve(folder))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                    g.addClass(Files.readAllBytes(f));
                }
            }
        } else {
            try (JarFile jar = new JarFile(location.toFile())) {
                for (JarEntry e : jar.stream().filter(e -> e.getName().startsWith(folder) && e.getName().endsWith(".class")).toList()) {
                    try (InputStream in = jar.getInputStream(e)) {
                        g.addClass(in.readAllBytes());
                    }
                }
            }
        }
        return g;
    }

    private void addClass(byte[] bytes) {
        ClassModel model = ClassFile.of().parse(bytes);
        String self = dotted(model.thisClass().asInternalName());
        node(self);
        for (PoolEntry e : model.constantPool()) {
            if (e instanceof ClassEntry c && !c.asInternalName().startsWith("[")) {
                add(self, dotted(c.asInternalName()));
            } else if (e instanceof Utf8Entry u) {
                // Array class entries are descriptors too, and their text is a Utf8 entry of its own.
                Matcher m = DESCRIPTOR_TYPE.matcher(u.stringValue());
                while (m.find()) {
                    add(self, dotted(m.group(1)));
                }
            }
        }
    }

    private static String dotted(String internalName) {
        return internalName.replace('/', '.');
    }

    private String node(String className) {
        String n = nodeOf.apply(className);
        uses.computeIfAbsent(n, k -> new TreeSet<>());
        return n;
    }

    /** Records that class {@code from} uses class {@code to}; ignored when either is outside the prefix or both are in one node. */
    void add(String from, String to) {
        if (!from.startsWith(prefix) || !to.startsWith(prefix)) {
            return;
        }
        String a = node(from), b = node(to);
        if (!a.equals(b)) {
            uses.get(a).add(b);
            because.computeIfAbsent(a + " -> " + b, k -> new TreeSet<>()).add(from + " -> " + to);
        }
    }

    Set<String> nodes() {
        return uses.keySet();
    }

    Set<String> uses(String node) {
        return uses.getOrDefault(node, Set.of());
    }

    /** The groups of nodes that reach each other: Tarjan's strongly connected components of more than one node. */
    List<Set<String>> cycles() {
        return new Tarjan().run();
    }

    /** The class edges that make up {@code cycle}, a few per node edge. */
    String explain(Set<String> cycle) {
        StringBuilder sb = new StringBuilder("cycle among " + cycle + ":");
        for (String a : cycle) {
            for (String b : uses(a)) {
                if (cycle.contains(b)) {
                    sb.append("\n  ").append(a).append(" -> ").append(b).append(", e.g. ")
                            .append(because.get(a + " -> " + b).stream().limit(3).toList());
                }
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        uses.forEach((a, bs) -> sb.append(a).append(" -> ").append(bs).append('\n'));
        return sb.toString();
    }

    private final class Tarjan {
        private final Map<String, Integer> index = new HashMap<>();
        private final Map<String, Integer> low = new HashMap<>();
        private final Deque<String> stack = new ArrayDeque<>();
        private final Set<String> onStack = new TreeSet<>();
        private final List<Set<String>> components = new ArrayList<>();

        List<Set<String>> run() {
            for (String n : uses.keySet()) {
                if (!index.containsKey(n)) {
                    visit(n);
                }
            }
            return components;
        }

        private void visit(String n) {
            index.put(n, index.size());
            low.put(n, index.get(n));
            stack.push(n);
            onStack.add(n);
            for (String m : uses(n)) {
                if (!index.containsKey(m)) {
                    visit(m);
                    low.put(n, Math.min(low.get(n), low.get(m)));
                } else if (onStack.contains(m)) {
                    low.put(n, Math.min(low.get(n), index.get(m)));
                }
            }
            if (low.get(n).equals(index.get(n))) {
                Set<String> component = new TreeSet<>();
                String m;
                do {
                    m = stack.pop();
                    onStack.remove(m);
                    component.add(m);
                } while (!m.equals(n));
                if (component.size() > 1) {
                    components.add(component);
                }
            }
        }
    }
}
