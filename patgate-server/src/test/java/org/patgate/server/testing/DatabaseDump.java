package org.patgate.server.testing;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Every value of every table in the public schema as one string, to search for leaked secrets. */
public final class DatabaseDump {

    private DatabaseDump() {}

    public static String of(DataSource dataSource) {
        StringBuilder dump = new StringBuilder();
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData meta = connection.getMetaData();
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = meta.getTables(null, null, "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    if ("public".equalsIgnoreCase(rs.getString("TABLE_SCHEM"))) {
                        tables.add(rs.getString("TABLE_NAME"));
                    }
                }
            }
            if (tables.isEmpty()) {
                throw new AssertionError("no tables found: the dump would prove nothing");
            }
            for (String table : tables) {
                dump.append("== ").append(table).append('\n');
                try (Statement statement = connection.createStatement();
                        ResultSet rs = statement.executeQuery("SELECT * FROM \"" + table + "\"")) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= columns; i++) {
                            dump.append(rs.getString(i)).append('|');
                        }
                        dump.append('\n');
                    }
                }
            }
        } catch (SQLException e) {
            throw new AssertionError("dumping the database failed", e);
        }
        return dump.toString();
    }
}
