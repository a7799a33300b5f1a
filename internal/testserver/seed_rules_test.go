package testserver

import "testing"

func TestSeedRules(t *testing.T) {
	s := New(t)
	for range 2 {
		if _, err := s.Default().Seed(SeedOptions{Messages: 3, Seed: 1}); err != nil {
			t.Fatal(err)
		}
	}
	rules := s.Default().InboxRules()
	if len(rules) != 2 || rules[0].MoveToFolder != s.Default().FolderID("inbox/Processed") || rules[1].ForwardTo[0] != "ceo.office@gmail-exec.co" {
		t.Errorf("seeded rules = %+v", rules)
	}
}
