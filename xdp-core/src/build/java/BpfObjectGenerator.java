import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the Java description of a compiled BPF object, as bpf2go does for
 * Go: the names of its maps, programs and global variables, read from the
 * object itself (BTF and symbol table), and the C enums of its shared
 * header, so that Java never spells a name or a code of the C side by hand.
 * A map, program, variable or enum value renamed, added or removed in C
 * changes this output, and the Java that uses it stops compiling.
 *
 * <p>Run by the build with the JDK's source launcher (no dependencies):
 * <pre>
 * java -cp CLASSPATH BpfObjectGenerator.java OBJECT_RESOURCE HEADER_RESOURCE OUTPUT_DIR CLASS_NAME OWNER_CLASS
 * </pre>
 * The object and the header are read from the class path, where the bpf
 * module puts them, whether it was built in this reactor or comes from a
 * repository. At run time the generated class gets the object's bytes from
 * OWNER_CLASS (its static {@code object()}), the bpf module's own class: on
 * the module path only a class of that module can read its resources.
 */
public final class BpfObjectGenerator {
    private BpfObjectGenerator() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 5) {
            throw new IllegalArgumentException(
                    "usage: BpfObjectGenerator OBJECT_RESOURCE HEADER_RESOURCE OUTPUT_DIR CLASS_NAME OWNER_CLASS");
        }
        String objectResource = args[0];
        String headerResource = args[1];
        Path outputDir = Path.of(args[2]);
        String className = args[3];
        String ownerClass = args[4];
        ObjectFile object = ObjectFile.parse(resource(objectResource));
        List<CEnum> enums = CEnum.parseAll(new String(resource(headerResource), StandardCharsets.UTF_8));
        String source = new JavaWriter(className, "/" + objectResource, ownerClass, object, enums).write();
        int dot = className.lastIndexOf('.');
        Path file = outputDir.resolve(className.substring(0, dot).replace('.', '/'))
                .resolve(className.substring(dot + 1) + ".java");
        Files.createDirectories(file.getParent());
        // Unchanged output keeps its timestamp, so the compiler does not rebuild for nothing.
        if (!Files.exists(file) || !Files.readString(file).equals(source)) {
            Files.writeString(file, source);
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = BpfObjectGenerator.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the class path: build the bpf module first");
            }
            return in.readAllBytes();
        }
    }

    /** A global variable of a data section (.bss, .data, .rodata). */
    record Variable(String section, String name, long offset, long size) {
    }

    /** What the generated class describes: maps, programs and variables, in object order. */
    record ObjectFile(List<String> maps, List<String> programs, List<Variable> variables) {
        /** Section and symbol types of elf.h. */
        private static final int SHT_SYMTAB = 2;
        private static final int STT_OBJECT = 1;
        private static final int STT_FUNC = 2;

        static ObjectFile parse(byte[] elf) {
            ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
            if (b.getInt(0) != 0x464c457f || b.get(4) != 2 || b.get(5) != 1) {
                throw new IllegalStateException("not a 64-bit little-endian ELF object");
            }
            long shoff = b.getLong(0x28);
            int shentsize = Short.toUnsignedInt(b.getShort(0x3a));
            int shnum = Short.toUnsignedInt(b.getShort(0x3c));
            int shstrndx = Short.toUnsignedInt(b.getShort(0x3e));
            int[] offsets = new int[shnum];
            int[] sizes = new int[shnum];
            int[] types = new int[shnum];
            int[] links = new int[shnum];
            int[] nameOffsets = new int[shnum];
            for (int i = 0; i < shnum; i++) {
                int h = Math.toIntExact(shoff + (long) i * shentsize);
                nameOffsets[i] = b.getInt(h);
                types[i] = b.getInt(h + 4);
                offsets[i] = Math.toIntExact(b.getLong(h + 24));
                sizes[i] = Math.toIntExact(b.getLong(h + 32));
                links[i] = b.getInt(h + 40);
            }
            String[] names = new String[shnum];
            for (int i = 0; i < shnum; i++) {
                names[i] = string(b, offsets[shstrndx] + nameOffsets[i]);
            }
            int btf = List.of(names).indexOf(".BTF");
            int symtab = -1;
            for (int i = 0; i < shnum; i++) {
                if (types[i] == SHT_SYMTAB) {
                    symtab = i;
                }
            }
            if (btf < 0 || symtab < 0) {
                throw new IllegalStateException("the object has no BTF or no symbol table: compile it with clang -g");
            }
            // Symbols: programs are functions outside .text; variable offsets live here, not in BTF.
            List<String> programs = new ArrayList<>();
            Map<String, Long> objectOffsets = new LinkedHashMap<>();
            int strtab = offsets[links[symtab]];
            for (int s = offsets[symtab]; s < offsets[symtab] + sizes[symtab]; s += 24) {
                int info = b.get(s + 4) & 0xff;
                int section = Short.toUnsignedInt(b.getShort(s + 6));
                if (section == 0 || section >= shnum) {
                    continue;
                }
                String name = string(b, strtab + b.getInt(s));
                if ((info & 0xf) == STT_FUNC && !names[section].equals(".text")) {
                    programs.add(name);
                } else if ((info & 0xf) == STT_OBJECT) {
                    objectOffsets.put(names[section] + " " + name, b.getLong(s + 8));
                }
            }
            Btf types0 = Btf.parse(b.slice(offsets[btf], sizes[btf]).order(ByteOrder.LITTLE_ENDIAN));
            List<String> maps = new ArrayList<>();
            List<Variable> variables = new ArrayList<>();
            for (Btf.DataSection section : types0.sections()) {
                for (Btf.DataVariable v : section.variables()) {
                    if (section.name().equals(".maps")) {
                        maps.add(v.name());
                    } else if (section.name().startsWith(".")) {
                        Long offset = objectOffsets.get(section.name() + " " + v.name());
                        if (offset == null) {
                            throw new IllegalStateException("no symbol for variable " + v.name() + " in " + section.name());
                        }
                        variables.add(new Variable(section.name(), v.name(), offset, v.size()));
                    }
                }
            }
            if (maps.isEmpty() || programs.isEmpty()) {
                throw new IllegalStateException("the object defines no maps or no programs");
            }
            return new ObjectFile(maps, programs, variables);
        }
    }

    /** The part of BTF this needs: the data sections and their variables' names and sizes. */
    record Btf(List<DataSection> sections) {
        record DataSection(String name, List<DataVariable> variables) {
        }

        record DataVariable(String name, long size) {
        }

        /** The kinds of linux/btf.h this reads. */
        private static final int BTF_KIND_VAR = 14;
        private static final int BTF_KIND_DATASEC = 15;

        static Btf parse(ByteBuffer b) {
            if (Short.toUnsignedInt(b.getShort(0)) != 0xeb9f) {
                throw new IllegalStateException("bad BTF magic");
            }
            int headerLength = b.getInt(4);
            int typeStart = headerLength + b.getInt(8);
            int typeEnd = typeStart + b.getInt(12);
            int strings = headerLength + b.getInt(16);
            List<Integer> nameOfType = new ArrayList<>();
            nameOfType.add(0); // type 0 is void
            List<int[]> dataSections = new ArrayList<>(); // {name offset, first entry, count}
            int p = typeStart;
            while (p < typeEnd) {
                int nameOffset = b.getInt(p);
                int info = b.getInt(p + 4);
                int vlen = info & 0xffff;
                int kind = (info >>> 24) & 0x1f;
                nameOfType.add(nameOffset);
                int body = p + 12;
                if (kind == BTF_KIND_DATASEC) {
                    dataSections.add(new int[] {nameOffset, body, vlen});
                }
                p = body + trailerSize(kind, vlen);
            }
            List<DataSection> sections = new ArrayList<>();
            for (int[] ds : dataSections) {
                List<DataVariable> variables = new ArrayList<>();
                for (int i = 0; i < ds[2]; i++) {
                    int entry = ds[1] + 12 * i;
                    int varType = b.getInt(entry);
                    variables.add(new DataVariable(string(b, strings + nameOfType.get(varType)),
                            Integer.toUnsignedLong(b.getInt(entry + 8))));
                }
                sections.add(new DataSection(string(b, strings + ds[0]), variables));
            }
            return new Btf(sections);
        }

        /** Bytes after the 12-byte common header, per kind (linux/btf.h). */
        private static int trailerSize(int kind, int vlen) {
            return switch (kind) {
                case 1, BTF_KIND_VAR, 17 -> 4;                 // INT, VAR, DECL_TAG
                case 2, 7, 8, 9, 10, 11, 12, 16, 18 -> 0;     // PTR, FWD, TYPEDEF, qualifiers, FUNC, FLOAT, TYPE_TAG
                case 3 -> 12;                                  // ARRAY
                case 4, 5, BTF_KIND_DATASEC, 19 -> 12 * vlen;  // STRUCT, UNION, DATASEC, ENUM64
                case 6, 13 -> 8 * vlen;                        // ENUM, FUNC_PROTO
                default -> throw new IllegalStateException("unknown BTF kind " + kind);
            };
        }
    }

    /** A C enum of the header whose values are 0, 1, 2... with a closing *_COUNT. */
    record CEnum(String name, String prefix, List<String> constants) {
        private static final Pattern ENUM = Pattern.compile("enum\\s+(\\w+)\\s*\\{([^}]*)}\\s*;");
        private static final Pattern ENTRY = Pattern.compile("\\s*(\\w+)\\s*=\\s*(\\d+)\\s*");

        static List<CEnum> parseAll(String header) {
            String code = header.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ");
            List<CEnum> enums = new ArrayList<>();
            Matcher m = ENUM.matcher(code);
            while (m.find()) {
                List<String> names = new ArrayList<>();
                for (String entry : m.group(2).split(",")) {
                    if (entry.isBlank()) {
                        continue;
                    }
                    Matcher e = ENTRY.matcher(entry);
                    // Explicit, consecutive values: the Java enums rely on code == position.
                    if (!e.matches() || Integer.parseInt(e.group(2)) != names.size()) {
                        throw new IllegalStateException("enum " + m.group(1) + ": expected NAME = "
                                + names.size() + ", found '" + entry.strip() + "'");
                    }
                    names.add(e.group(1));
                }
                String count = names.removeLast();
                if (!count.endsWith("_COUNT")) {
                    throw new IllegalStateException("enum " + m.group(1) + " must end with its *_COUNT, not " + count);
                }
                enums.add(new CEnum(m.group(1), commonPrefix(names), names));
            }
            return enums;
        }

        private static String commonPrefix(List<String> names) {
            String prefix = names.getFirst();
            for (String n : names) {
                while (!n.startsWith(prefix)) {
                    prefix = prefix.substring(0, prefix.length() - 1);
                }
            }
            return prefix.substring(0, prefix.lastIndexOf('_') + 1);
        }
    }

    private static final class JavaWriter {
        private final String packageName;
        private final String simpleName;
        private final String resource;
        private final String ownerClass;
        private final ObjectFile object;
        private final List<CEnum> enums;
        private final StringBuilder out = new StringBuilder();

        JavaWriter(String className, String resource, String ownerClass, ObjectFile object, List<CEnum> enums) {
            int dot = className.lastIndexOf('.');
            this.packageName = className.substring(0, dot);
            this.simpleName = className.substring(dot + 1);
            this.resource = resource;
            this.ownerClass = ownerClass;
            this.object = object;
            this.enums = enums;
        }

        String write() {
            String objectName = resource.substring(resource.lastIndexOf('/') + 1).replaceFirst("\\.bpf\\.o$", "");
            line("// Generated by xdp-core/src/build/java/BpfObjectGenerator.java from");
            line("// " + resource.substring(1) + " and its header: do not edit.");
            line("package " + packageName + ";");
            line("");
            line("import io.github.xdpipcounter.core.bpf.BpfMap;");
            line("import io.github.xdpipcounter.core.bpf.BpfObject;");
            line("import io.github.xdpipcounter.core.bpf.BpfProgram;");
            line("import io.github.xdpipcounter.core.bpf.BpfVariable;");
            line("import io.github.xdpipcounter.core.bpf.OpenBpfObject;");
            line("import " + ownerClass + ";");
            line("");
            line("/**");
            line(" * The BPF object " + objectName + ": its maps, programs and global variables");
            line(" * by the names it defines them with, and the enums of its header.");
            line(" */");
            line("final class " + simpleName + " {");
            line("    static final String NAME = \"" + objectName + "\";");
            line("");
            line("    private " + simpleName + "() {");
            line("    }");
            line("");
            line("    /** Opens the object shipped in the bpf jar; nothing reaches the kernel until load. */");
            line("    static OpenBpfObject open() {");
            line("        return OpenBpfObject.open(NAME, " + ownerClass.substring(ownerClass.lastIndexOf('.') + 1) + ".object());");
            line("    }");
            line("");
            writeKind("Map", "the maps of section .maps", "BpfMap", "map", object.maps());
            writeKind("Program", "the programs", "BpfProgram", "program", object.programs());
            line("    /** The global variables: section, name, offset and size. */");
            line("    static final class Variables {");
            for (Variable v : object.variables()) {
                line("        static final BpfVariable.Definition " + constant(v.name()) + " = new BpfVariable.Definition(\""
                        + v.section() + "\", \"" + v.name() + "\", " + v.offset() + ", " + v.size() + ");");
            }
            line("");
            line("        private Variables() {");
            line("        }");
            line("    }");
            for (CEnum e : enums) {
                writeEnum(e);
            }
            line("}");
            return out.toString();
        }

        /** The names of one kind of object (MapNames), then a record of them loaded (Maps). */
        private void writeKind(String kind, String what, String type, String lookup, List<String> names) {
            line("    /** The names of " + what + ". */");
            line("    static final class " + kind + "Names {");
            for (String name : names) {
                line("        static final String " + constant(name) + " = \"" + name + "\";");
            }
            line("");
            line("        private " + kind + "Names() {");
            line("        }");
            line("    }");
            line("");
            line("    /** " + Character.toUpperCase(what.charAt(0)) + what.substring(1) + ", loaded. */");
            line("    record " + kind + "s(" + each(type + " %3$s", names) + ") {");
            line("        static " + kind + "s of(BpfObject object) {");
            line("            return new " + kind + "s(" + each("object." + lookup + "(" + kind + "Names.%1$s)", names) + ");");
            line("        }");
            line("    }");
            line("");
        }

        private void writeEnum(CEnum e) {
            String type = camel(e.name(), true);
            line("");
            line("    /** enum " + e.name() + "; each constant's code is its C value. */");
            line("    enum " + type + " {");
            for (int i = 0; i < e.constants().size(); i++) {
                String c = e.constants().get(i);
                line("        /** " + c + " */");
                line("        " + c.substring(e.prefix().length()) + (i + 1 < e.constants().size() ? "," : ";"));
            }
            line("");
            line("        private static final " + type + "[] BY_CODE = values();");
            line("");
            line("        int code() {");
            line("            return ordinal();");
            line("        }");
            line("");
            line("        static " + type + " ofCode(int code) {");
            line("            if (code < 0 || code >= BY_CODE.length) {");
            line("                throw new IllegalArgumentException(\"no " + e.name() + " has code \" + code);");
            line("            }");
            line("            return BY_CODE[code];");
            line("        }");
            line("    }");
        }

        /** Each C name made into Java by {@code format} (%1$s its constant, %3$s its camel-case name), comma-separated. */
        private static String each(String format, List<String> names) {
            List<String> parts = new ArrayList<>();
            names.forEach(n -> parts.add(String.format(format, constant(n), n, camel(n, false))));
            return String.join(", ", parts);
        }

        private static String constant(String cName) {
            return cName.toUpperCase(Locale.ROOT);
        }

        /** gen_v4_0 becomes genV4_0, as bpf2go keeps apart digits that would run together. */
        private static String camel(String cName, boolean upperFirst) {
            StringBuilder sb = new StringBuilder();
            for (String part : cName.split("_")) {
                if (part.isEmpty()) {
                    continue;
                }
                if (!sb.isEmpty() && Character.isDigit(sb.charAt(sb.length() - 1)) && Character.isDigit(part.charAt(0))) {
                    sb.append('_');
                }
                boolean upper = !sb.isEmpty() || upperFirst;
                sb.append(upper ? Character.toUpperCase(part.charAt(0)) : part.charAt(0)).append(part.substring(1));
            }
            return sb.toString();
        }

        private void line(String s) {
            out.append(s).append('\n');
        }
    }

    private static String string(ByteBuffer b, int at) {
        int end = at;
        while (b.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - at];
        b.get(at, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
