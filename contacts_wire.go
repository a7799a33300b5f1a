package ews

import (
	"context"
	"iter"
)

// The boundary between ContactsService and its wire (see calendar_wire.go): ewsContacts (contacts_*.go) or
// graphContacts (graph_contacts.go over internal/graph), chosen at New.

// contactsWire is what a wire does for ContactsService: the service's methods, one to one.
type contactsWire interface {
	create(ctx context.Context, ct Contact, opts ContactCreateOptions) (string, error)
	list(ctx context.Context, opts ContactListOptions) iter.Seq2[*Contact, error]
	get(ctx context.Context, id string) (*Contact, error)
	update(ctx context.Context, id string, ch ContactChanges) error
	delete(ctx context.Context, opts DeleteOptions, ids ...string) error
	resolveNames(ctx context.Context, name string, opts ResolveOptions) ([]Resolution, error)
	expandDL(ctx context.Context, address string) (*DistributionList, error)
}

// ewsContacts is the EWS wire of ContactsService: the methods of contacts_*.go.
type ewsContacts struct{ *ContactsService }

// wire returns the contacts wire of the client's backend.
func (s *ContactsService) wire() contactsWire {
	if s.c.graph != nil {
		return graphContacts{s}
	}
	return ewsContacts{s}
}

// Create creates a contact and returns its id.
func (s *ContactsService) Create(ctx context.Context, ct Contact, opts ContactCreateOptions) (string, error) {
	return s.wire().create(ctx, ct, opts)
}

// List returns every contact of a contacts folder, sorted by display name, a page at a time; over EWS each
// page's details are fetched with GetItem. Distribution lists in the folder are skipped. Breaking out of the
// loop stops the requests.
func (s *ContactsService) List(ctx context.Context, opts ContactListOptions) iter.Seq2[*Contact, error] {
	return s.wire().list(ctx, opts)
}

// Get returns a contact by id.
func (s *ContactsService) Get(ctx context.Context, id string) (*Contact, error) {
	return s.wire().get(ctx, id)
}

// Update changes a contact. Only the fields set in ch are sent.
func (s *ContactsService) Update(ctx context.Context, id string, ch ContactChanges) error {
	return s.wire().update(ctx, id, ch)
}

// Delete deletes contacts, in batches, the way opts.How says. Contacts that fail are reported in a
// *BatchError; the others are deleted.
func (s *ContactsService) Delete(ctx context.Context, opts DeleteOptions, ids ...string) error {
	return s.wire().delete(ctx, opts, ids...)
}

// ResolveNames looks up a name, part of a name or an address ("smith", "Jane Sm", "jane@example.com") in the
// directory and the contacts folder, as Outlook's "Check Names" does. A unique name gives one resolution, an
// ambiguous one several (at most 100); prefix an address with "smtp:" to match only that address exactly. When
// nothing matches, the error matches ErrNameResolutionNoResults.
func (s *ContactsService) ResolveNames(ctx context.Context, name string, opts ResolveOptions) ([]Resolution, error) {
	return s.wire().resolveNames(ctx, name, opts)
}

// ExpandDL returns the members of a distribution list of the directory, given its address. An unknown list
// gives an error matching ErrNameResolutionNoResults.
func (s *ContactsService) ExpandDL(ctx context.Context, address string) (*DistributionList, error) {
	return s.wire().expandDL(ctx, address)
}
