package org.patgate.server.directory.ldap;

/** The LDIF of the two directory shapes the tests run against. */
final class TestTrees {

    static final String OPENLDAP_BASE = "dc=example,dc=org";

    /**
     * OpenLDAP style: inetOrgPerson under ou=people, groupOfNames (member) and groupOfUniqueNames
     * (uniqueMember) under ou=groups, a three-level nesting, a membership cycle, and a group outside
     * the group base.
     */
    static final String OPENLDAP = """
            dn: dc=example,dc=org
            objectClass: top
            objectClass: domain
            dc: example

            dn: ou=people,dc=example,dc=org
            objectClass: organizationalUnit
            ou: people

            dn: ou=groups,dc=example,dc=org
            objectClass: organizationalUnit
            ou: groups

            dn: ou=other,dc=example,dc=org
            objectClass: organizationalUnit
            ou: other

            dn: uid=alice,ou=people,dc=example,dc=org
            objectClass: inetOrgPerson
            uid: alice
            cn: Alice Archer
            sn: Archer
            mail: alice@example.org
            userPassword: alice-pass

            dn: uid=bob,ou=people,dc=example,dc=org
            objectClass: inetOrgPerson
            uid: bob
            cn: Bob Baker
            sn: Baker
            userPassword: bob-pass

            dn: uid=carol,ou=people,dc=example,dc=org
            objectClass: inetOrgPerson
            uid: carol
            cn: Carol Clark
            sn: Clark
            userPassword: carol-pass

            dn: uid=admin,ou=people,dc=example,dc=org
            objectClass: inetOrgPerson
            uid: admin
            cn: Administrator
            sn: Admin
            userPassword: admin-pass

            dn: uid=o(dd)*,ou=people,dc=example,dc=org
            objectClass: inetOrgPerson
            uid: o(dd)*
            cn: Odd Name
            sn: Odd
            userPassword: odd-pass

            dn: cn=developers,ou=groups,dc=example,dc=org
            objectClass: groupOfNames
            cn: developers
            member: uid=alice,ou=people,dc=example,dc=org
            member: uid=bob,ou=people,dc=example,dc=org

            dn: cn=platform,ou=groups,dc=example,dc=org
            objectClass: groupOfNames
            cn: platform
            member: cn=developers,ou=groups,dc=example,dc=org

            dn: cn=everyone,ou=groups,dc=example,dc=org
            objectClass: groupOfNames
            cn: everyone
            member: cn=platform,ou=groups,dc=example,dc=org

            dn: cn=patgate-admins,ou=groups,dc=example,dc=org
            objectClass: groupOfNames
            cn: patgate-admins
            member: uid=admin,ou=people,dc=example,dc=org

            dn: cn=cycle-a,ou=groups,dc=example,dc=org
            objectClass: groupOfNames
            cn: cycle-a
            member: uid=carol,ou=people,dc=example,dc=org
            member: cn=cycle-b,ou=groups,dc=example,dc=org

            dn: cn=cycle-b,ou=groups,dc=example,dc=org
            objectClass: groupOfNames
            cn: cycle-b
            member: cn=cycle-a,ou=groups,dc=example,dc=org

            dn: cn=auditors,ou=groups,dc=example,dc=org
            objectClass: groupOfUniqueNames
            cn: auditors
            uniqueMember: uid=bob,ou=people,dc=example,dc=org
            uniqueMember: uid=carol,ou=people,dc=example,dc=org

            dn: cn=outsiders,ou=other,dc=example,dc=org
            objectClass: groupOfNames
            cn: outsiders
            member: uid=alice,ou=people,dc=example,dc=org
            """;

    static final String AD_BASE = "DC=corp,DC=example,DC=com";

    /**
     * Active Directory style: user objects with sAMAccountName and memberOf (kept in step by hand,
     * as a domain controller would), groups with member, Developers inside Engineering inside Staff,
     * and a computer account.
     */
    static final String ACTIVE_DIRECTORY = """
            dn: DC=corp,DC=example,DC=com
            objectClass: top
            objectClass: domain
            dc: corp

            dn: CN=Users,DC=corp,DC=example,DC=com
            objectClass: container
            cn: Users

            dn: OU=Groups,DC=corp,DC=example,DC=com
            objectClass: organizationalUnit
            ou: Groups

            dn: CN=Computers,DC=corp,DC=example,DC=com
            objectClass: container
            cn: Computers

            dn: CN=Dana Diaz,CN=Users,DC=corp,DC=example,DC=com
            objectClass: top
            objectClass: person
            objectClass: organizationalPerson
            objectClass: user
            cn: Dana Diaz
            sAMAccountName: ddiaz
            userPrincipalName: ddiaz@corp.example.com
            displayName: Dana Diaz
            mail: dana.diaz@example.com
            userPassword: Dana-Pa55
            memberOf: CN=Developers,OU=Groups,DC=corp,DC=example,DC=com

            dn: CN=Erin Evans,CN=Users,DC=corp,DC=example,DC=com
            objectClass: top
            objectClass: person
            objectClass: organizationalPerson
            objectClass: user
            cn: Erin Evans
            sAMAccountName: eevans
            displayName: Erin Evans
            userPassword: Erin-Pa55
            memberOf: CN=PATgate Admins,OU=Groups,DC=corp,DC=example,DC=com
            memberOf: CN=Deleted Group,OU=Groups,DC=corp,DC=example,DC=com

            dn: CN=WS01,CN=Computers,DC=corp,DC=example,DC=com
            objectClass: top
            objectClass: person
            objectClass: organizationalPerson
            objectClass: user
            objectClass: computer
            cn: WS01
            sAMAccountName: WS01$
            userPassword: Machine-Pa55

            dn: CN=Developers,OU=Groups,DC=corp,DC=example,DC=com
            objectClass: top
            objectClass: group
            cn: Developers
            member: CN=Dana Diaz,CN=Users,DC=corp,DC=example,DC=com
            memberOf: CN=Engineering,OU=Groups,DC=corp,DC=example,DC=com

            dn: CN=Engineering,OU=Groups,DC=corp,DC=example,DC=com
            objectClass: top
            objectClass: group
            cn: Engineering
            member: CN=Developers,OU=Groups,DC=corp,DC=example,DC=com
            memberOf: CN=Staff,OU=Groups,DC=corp,DC=example,DC=com

            dn: CN=Staff,OU=Groups,DC=corp,DC=example,DC=com
            objectClass: top
            objectClass: group
            cn: Staff
            member: CN=Engineering,OU=Groups,DC=corp,DC=example,DC=com

            dn: CN=PATgate Admins,OU=Groups,DC=corp,DC=example,DC=com
            objectClass: top
            objectClass: group
            cn: PATgate Admins
            member: CN=Erin Evans,CN=Users,DC=corp,DC=example,DC=com
            """;

    private TestTrees() {}
}
