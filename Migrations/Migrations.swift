/// The SQL migrations embedded at build time from `Migrations/*.sql`, sorted by file name.
public enum Migrations {
    /// Every migration as (name without `.sql`, SQL text), in the order they must run.
    public static var all: [(name: String, sql: String)] { EmbeddedMigrations.all }
}
