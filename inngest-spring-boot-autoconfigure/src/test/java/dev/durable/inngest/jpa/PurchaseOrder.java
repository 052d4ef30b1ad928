package dev.durable.inngest.jpa;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * An application's own JPA entity, stored beside the events it sends.
 */
@Entity
@Table(name = "purchase_order")
public class PurchaseOrder {

	@Id
	private String id;

	private long amount;

	protected PurchaseOrder() {
	}

	public PurchaseOrder(String id, long amount) {
		this.id = id;
		this.amount = amount;
	}

	public String getId() {
		return this.id;
	}

	public long getAmount() {
		return this.amount;
	}

}
