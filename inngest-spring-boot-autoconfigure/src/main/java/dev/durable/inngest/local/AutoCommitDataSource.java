package dev.durable.inngest.local;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.springframework.core.InfrastructureProxy;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The application's data source as the engine uses it: a connection taken outside a
 * transaction commits each statement, as the engine's single statements expect, also
 * where the pool hands out connections that do not (as with
 * {@code spring.datasource.hikari.auto-commit=false}, which JPA applications set to save
 * Hibernate a call); without it, those statements would be rolled back when the
 * connection went back to the pool. Such a connection has its auto-commit turned on, and
 * off again when it is closed. Inside a transaction, the engine takes the transaction's
 * connection, as it would from the data source itself, which this one stands for
 * ({@link InfrastructureProxy}).
 */
public final class AutoCommitDataSource extends DelegatingDataSource implements InfrastructureProxy {

	private AutoCommitDataSource(DataSource target) {
		super(target);
	}

	/**
	 * The data source as the engine uses it.
	 * @param dataSource the application's data source
	 * @return one whose connections taken outside a transaction commit each statement
	 */
	public static DataSource of(DataSource dataSource) {
		return (dataSource instanceof AutoCommitDataSource) ? dataSource : new AutoCommitDataSource(dataSource);
	}

	@Override
	public Connection getConnection() throws SQLException {
		return autoCommitting(super.getConnection());
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		return autoCommitting(super.getConnection(username, password));
	}

	@Override
	public Object getWrappedObject() {
		return obtainTargetDataSource();
	}

	private static Connection autoCommitting(Connection connection) throws SQLException {
		if (connection.getAutoCommit()) {
			return connection;
		}
		try {
			connection.setAutoCommit(true);
		}
		catch (SQLException | RuntimeException ex) {
			connection.close();
			throw ex;
		}
		return (Connection) Proxy.newProxyInstance(AutoCommitDataSource.class.getClassLoader(),
				new Class<?>[] { Connection.class }, (proxy, method, args) -> {
					switch (method.getName()) {
						case "equals":
							return proxy == args[0];
						case "hashCode":
							return System.identityHashCode(proxy);
						case "close":
							try {
								if (!connection.isClosed()) {
									// Back to the pool as it was handed out.
									connection.setAutoCommit(false);
								}
							}
							finally {
								connection.close();
							}
							return null;
						default:
							try {
								return method.invoke(connection, args);
							}
							catch (InvocationTargetException ex) {
								throw ex.getCause();
							}
					}
				});
	}

}
