//FTBINST  JOB (ACCT),'FTB INSTALL',CLASS=A,MSGCLASS=X,NOTIFY=&SYSUID
//*-------------------------------------------------------------------
//* FTBINST: FIRST INSTALLATION OF FTB (docs/zos-install.md, STEP 5).
//* BEFORE IT: FTBRACF HAS RUN; ftb.jar (BINARY TRANSFER) AND THE
//* SAMPLES (ASCII TRANSFER, SO EBCDIC NOW) ARE IN THE DIRECTORY STAGE.
//* RUN BY A USER WITH UID 0: IT WRITES IN /usr/lpp, /etc AND /var
//* AND GIVES /etc/ftb AND /var/ftb TO THE STARTED TASK USER.
//* STEP ALLOC FAILS, AND SO ENDS THE JOB, WHEN THE PARMLIB DATA SET
//* EXISTS ALREADY: EDITED MEMBERS ARE NEVER REPLACED. UPGRADES DO
//* NOT RUN THIS JOB (docs/zos-install.md, STEP 15).
//* KEEP THIS MEMBER UNNUMBERED (ISPF: NUMBER OFF): BPXBATCH TAKES
//* COLUMNS 73-80 OF STDPARM AS PART OF THE COMMANDS.
//*-------------------------------------------------------------------
//         EXPORT SYMLIST=*
//         SET HLQ=FTB                  THE PARMLIB IS &HLQ..PARMLIB
//         SET STAGE='/u/sysprog/ftb'   ftb.jar AND samples/ ARE HERE
//         SET STCUSER=FTBSTC           USER OF THE STARTED TASK
//         SET STCGROUP=FTBGRP          ITS DEFAULT GROUP
//*-------------------------------------------------------------------
//* A PDSE FOR THE STDENV, MAINARGS, CONFIGURATION AND FTP CLIENT
//* MEMBERS. ADD STORCLAS= OR UNIT= AND VOL=SER= AS YOUR SITE NEEDS.
//ALLOC    EXEC PGM=IEFBR14
//PARMLIB  DD DSN=&HLQ..PARMLIB,DISP=(NEW,CATLG,DELETE),
//            DSNTYPE=LIBRARY,RECFM=FB,LRECL=80,BLKSIZE=0,
//            SPACE=(TRK,(5,5,5))
//*-------------------------------------------------------------------
//* ftb.jar AND THE SAMPLES INTO /usr/lpp/ftb, THE DIRECTORIES OF THE
//* STARTED TASK, AND THE SAMPLES INTO THE PDSE. Z/OS UNIX CP COPIES
//* A TEXT FILE INTO A MEMBER ONE LINE A RECORD, PADDED WITH BLANKS,
//* AS ZOWE'S ZWEINSTL DOES. THE SHELL GETS THE STDPARM LINES AS ONE
//* COMMAND LINE (ZWEINSTL RELIES ON IT TOO), SO EVERY COMMAND ENDS
//* WITH A SEMICOLON.
//INSTALL  EXEC PGM=BPXBATCH,COND=(0,NE)
//STDOUT   DD SYSOUT=*
//STDERR   DD SYSOUT=*
//STDPARM  DD *,SYMBOLS=JCLONLY
SH set -ex;
S=&STAGE;
P=/usr/lpp/ftb;
mkdir -p $P/lib $P/samples;
cp $S/ftb.jar $P/lib/ftb.jar.new;
mv $P/lib/ftb.jar.new $P/lib/ftb.jar;
chtag -b $P/lib/ftb.jar;
cd $S/samples;
cp FTBPRM00 FTBENV17 FTBENV21 FTBARGS FTBFTPD FTBSOCKS $P/samples;
chmod 755 $P $P/lib $P/samples;
chmod 644 $P/lib/ftb.jar $P/samples/*;
mkdir -p /etc/ftb /var/ftb;
chown &STCUSER:&STCGROUP /etc/ftb /var/ftb;
chmod 700 /etc/ftb;
chmod 750 /var/ftb;
cd $P/samples;
cp FTBPRM00 FTBENV17 FTBENV21 FTBARGS FTBFTPD FTBSOCKS
"//'&HLQ..PARMLIB'";
ls -lT $P/lib $P/samples;
ls -ld /etc/ftb /var/ftb
/*
