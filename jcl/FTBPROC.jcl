//FTB      PROC JV=17,LOG='+I',ENV='FTB.PARMLIB(FTBENV)',
//             ARGS='FTB.PARMLIB(FTBARGS)'
//*********************************************************************
//* FTP TUNNEL BROKER - STARTED TASK PROCEDURE (JZOS BATCH LAUNCHER)  *
//*                                                                   *
//* START:  S FTB                                                     *
//* STOP :  P FTB  (operator MODIFY/STOP arrive with z/OS support;    *
//*                 until then the broker is stopped with C FTB)      *
//*                                                                   *
//* JV   : JZOS LAUNCHER LEVEL, 17 OR 21 (MODULE JVMLDM17/JVMLDM21)   *
//* LOG  : LAUNCHER LOG LEVEL (+E +W +N +I +D +T)                     *
//* ENV  : STDENV MEMBER - SEE SAMPLES/FTBENV.SH                      *
//* ARGS : MAINARGS MEMBER - SEE SAMPLES/FTBARGS.TXT                  *
//*                                                                   *
//* THE STARTED TASK USER NEEDS AN OMVS SEGMENT AND READ ACCESS TO    *
//* THE JDK, FTB.JAR AND THE CONFIGURATION FILE.                      *
//*********************************************************************
//JAVA     EXEC PGM=JVMLDM&JV,REGION=0M,TIME=NOLIMIT,
//             PARM='/&LOG'
//STDENV   DD DISP=SHR,DSN=&ENV
//MAINARGS DD DISP=SHR,DSN=&ARGS
//SYSPRINT DD SYSOUT=*
//SYSOUT   DD SYSOUT=*
//STDOUT   DD SYSOUT=*
//STDERR   DD SYSOUT=*
//CEEDUMP  DD SYSOUT=*
//ABNLIGNR DD DUMMY
