// Run by scripts/neo4j.sh in Java's single-file source mode:
//   NEO4J_HOME=... NEO4J_CONF=... NEO4J_PASSWORD=... java -cp 'lib/*' SetInitialPassword.java
// Equivalent to `neo4j-admin dbms set-initial-password <pw>`, but the password
// is read from the environment so it never shows up in a process listing.
public class SetInitialPassword {
    public static void main(String[] args) throws Exception {
        String pw = System.getenv("NEO4J_PASSWORD");
        if (pw == null || pw.length() < 8) {
            System.err.println("NEO4J_PASSWORD must be set and at least 8 characters long");
            System.exit(2);
        }
        org.neo4j.cli.AdminTool.main(new String[] {"dbms", "set-initial-password", pw});
    }
}
